"""Alembic environment: the connection comes from :func:`altresponse.serve.migrate.upgrade`."""

from alembic import context

from altresponse.serve.db import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
