"""One definition of a place: the key premise history and the repeat-place analysis share.

A place is the call's ``location_text`` (trimmed, upper case; block level), else its point
rounded to 3 decimals (~100 m, a block) written ``@lat,lon`` — the ``@`` keeps a point from
ever equalling a text location. Calls with neither have no place (null).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

LOCATION_DECIMALS = 3


def location_key(t: ir.Table) -> ir.StringValue:
    """The place key of each row (null when the row has no location).

    Examples
    --------
    >>> import ibis
    >>> t = ibis.memtable({"location_text": [" 100 block main st", None, ""],
    ...                    "latitude": [36.0, 35.99612, None], "longitude": [-78.9, -78.90149, None]})
    >>> t.select(k=location_key(t)).to_pyarrow().column("k").to_pylist()
    ['100 BLOCK MAIN ST', '@35.996,-78.901', None]
    """
    cols = t.columns
    text = t.location_text.cast("string").strip().upper() if "location_text" in cols else ibis.null("string")
    text = ibis.ifelse(text == "", ibis.null("string"), text)
    if "latitude" not in cols or "longitude" not in cols:
        return text
    lat = t.latitude.cast("float64").round(LOCATION_DECIMALS).cast("string")
    lon = t.longitude.cast("float64").round(LOCATION_DECIMALS).cast("string")
    return ibis.coalesce(text, ibis.literal("@").concat(lat, ",", lon))
