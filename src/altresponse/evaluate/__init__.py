"""Evaluation: did the program change police calls, response times, force and repeat calls — and could it have?

One module per job: :mod:`.panel` (unit x period counts on the engine, zero-filled),
:mod:`.treatment` (who is treated from when, from the program file), :mod:`.outcomes` (what is
counted), :mod:`.estimators` (Poisson and OLS two-way fixed effects, Gardner's did2s, the event
study), :mod:`.bootstrap` (wild-cluster intervals for few clusters), :mod:`.checks` (placebo
dates and units, the dose check), :mod:`.power` (minimum detectable effects before launch),
:mod:`.planted` (a planted effect in synthetic calls), :mod:`.sources` (a store into a panel),
:mod:`.run` (one evaluation document).
"""
