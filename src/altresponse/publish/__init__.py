"""The public progress site: ``build_site`` writes static pages, CSVs and nothing private.

``suppress`` hides small cells (and enough others that none can be solved for); ``figures``
computes the published tables from the store, the service's outcome records and the
evaluation; ``site`` renders them on the shared :mod:`altresponse.layout`.
"""

from __future__ import annotations

__all__ = ["build_site"]


def build_site(*args, **kwargs):
    """See :func:`altresponse.publish.site.build_site`."""
    from .site import build_site as _build

    return _build(*args, **kwargs)
