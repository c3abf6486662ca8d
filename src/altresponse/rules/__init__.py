"""The compiled rule tree: one program definition, two evaluators that always agree.

:func:`compile_program` turns a :class:`~altresponse.program.Program` into a :class:`RuleTree`
of small nodes (conditions, per-response eligibility, period choice, routing). Each node
renders itself twice:

* as an **Ibis expression** over a table of *facts* (``RuleTree.apply``), for whole tables on
  the engine; and
* as **Python source**, compiled once into a single function (``RuleTree.evaluate``) that
  decides one call in a few microseconds — for the triage service.

``tests/test_rules.py`` checks with ``hypothesis`` that both give identical outputs.

Files: :mod:`.conditions` (the condition keys, one row each, with both forms), :mod:`.tree`
(the compiled nodes, routing, :func:`compile_program`), :mod:`.single` (the Python
rendering) and :mod:`.table` (the Ibis rendering).

Facts (the inputs; what a call-taker knows)
-------------------------------------------
``canonical_type``, ``category``, ``priority`` (1 = most urgent), ``type_desc``, ``narrative``,
``premise_violence`` (prior calls with violence or weapons at the same location in the last 12
months), ``premise_force`` (prior use-of-force incidents there), ``beat``, ``received_date``
and ``received_local`` (local wall clock). Missing values are null / None.

Outputs
-------
Per response ``<r>``: ``eligible_<r>``, ``eligible_rule_<r>``, ``in_area_<r>``, ``in_hours_<r>``;
then ``eligible``, ``recommended_response``, ``recommended_rule``, ``risk_level``, ``risk_rule``.
Rule ids are listed at the top of each program file.

Semantics
---------
* Word flags match whole words, ASCII case-insensitively, in ``type_desc + " " + narrative``.
* Risk: the first matching risk rule in order high, then elevated (file order within a
  level); else ``low`` by ``risk.default``.
* Eligibility: the type must be in ``eligible_types`` (else ``<r>.not_type``); the first
  exclusion that matches (file order) makes it ineligible with its id; else ``<r>.types``.
* Period: the response's period in effect on ``received_date`` (or on ``as_of`` for every call
  when given). No period in effect: the response is not operating (``in_area`` and
  ``in_hours`` False, reason ``<r>.not_in_operation``).
* ``in_area``: citywide → True; else beat in the area; null beat → null. ``in_hours``: open
  all week → True; never open → False; else the local weekday and minute within the hours;
  null time → null.
* Routing: the first response in ``route_order`` whose ``eligible_<r>`` is True is offered the
  call. If it is available (``in_area`` and ``in_hours`` both True) it is recommended with rule
  ``<r>.<period id>``; otherwise the call goes to its fallback: a default responder (rule
  ``<r>.<reason>``), or another response, offered the call the same way if eligible (an
  ineligible fallback response passes the call on to its own fallback). A call eligible for no
  routed response goes to the default responder of its category (``defaults.<category>``) or
  ``defaults.otherwise``.
"""

from .conditions import CONDITION_KEYS, FACT_COLUMNS, Cond, word_pattern
from .tree import CPeriod, CResponse, RuleTree, compile_program

__all__ = ["CONDITION_KEYS", "FACT_COLUMNS", "CPeriod", "CResponse", "Cond", "RuleTree", "compile_program", "word_pattern"]
