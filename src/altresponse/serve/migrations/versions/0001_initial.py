"""The first schema: API keys, the append-only audit log, decisions, outcomes, follow-ups.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer, "sqlite")
_TS = sa.DateTime(timezone=True)
APPEND_ONLY = ("audit", "outcomes")


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("label", sa.String(200)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("revoked_at", _TS),
    )
    op.create_table(
        "audit",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("key_id", sa.String(16)),
        sa.Column("role", sa.String(16)),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(36)),
        sa.Column("program_id", sa.String(100)),
        sa.Column("program_version", sa.String(50)),
        sa.Column("input", sa.JSON),
        sa.Column("output", sa.JSON),
    )
    op.create_index("ix_audit_entity_id", "audit", ["entity_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("received_at", _TS, nullable=False),
        sa.Column("beat", sa.String(32)),
        sa.Column("canonical_type", sa.String(32)),
        sa.Column("recommended_response", sa.String(32), nullable=False),
        sa.Column("recommended_rule", sa.String(100), nullable=False),
        sa.Column("care_eligible", sa.Boolean, nullable=False),
        sa.Column("risk_level", sa.String(16), nullable=False),
        sa.Column("program_id", sa.String(100), nullable=False),
        sa.Column("program_version", sa.String(50), nullable=False),
        sa.Column("narrative_enc", sa.Text),
    )
    op.create_table(
        "outcomes",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("decision_id", sa.String(36), sa.ForeignKey("decisions.id"), nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.Column("sent", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(32)),
        sa.Column("reason_text_enc", sa.Text),
        sa.Column("backup_requested", sa.Boolean),
        sa.Column("onscene_at", _TS),
        sa.Column("cleared_at", _TS),
        sa.Column("key_id", sa.String(16)),
    )
    op.create_index("ix_outcomes_decision_id", "outcomes", ["decision_id"])
    op.create_table(
        "followups",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("decision_id", sa.String(36), sa.ForeignKey("decisions.id")),
        sa.Column("call_id", sa.String(200)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("encounter_at", _TS, nullable=False),
        sa.Column("due_at", _TS, nullable=False),
        sa.Column("beat", sa.String(32)),
        sa.Column("consent", sa.Boolean, nullable=False),
        sa.Column("contact_enc", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16)),
        sa.Column("services", sa.String(200)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("first_contact_at", _TS),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_followups_due_at", "followups", ["due_at"])
    _append_only_triggers()


def _append_only_triggers() -> None:
    # The database itself refuses UPDATE and DELETE on the audit log and the outcome log.
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION altresponse_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION altresponse_append_only()"
            )


def downgrade() -> None:
    for table in ("followups", "outcomes", "decisions", "audit", "api_keys"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS altresponse_append_only()")
