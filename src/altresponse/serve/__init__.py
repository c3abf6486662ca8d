"""The live service: triage for 911 call-takers, outcomes, the Care Navigation queue.

``altresponse serve`` runs :func:`altresponse.serve.app.create_app` under uvicorn. Modules:
``db`` (tables, engine, migration check), ``auth`` (API keys and roles), ``triage`` (the call →
the compiled rule tree), ``premises`` (premise history in memory), ``audit`` (the append-only
log and its group-commit writer), ``followups`` (referrals and the queue), ``crypto`` (field
encryption), ``export`` (counts for evaluation), ``pages`` (two server-rendered screens).
Importing this package opens nothing.
"""
