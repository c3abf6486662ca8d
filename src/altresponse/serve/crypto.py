"""Field-level encryption of personal data (contact details, free text) with Fernet.

The key comes from the environment, never from the database or a file next to it:
``ALTRESPONSE_FERNET_KEY`` holds one key, or several separated by commas (the first encrypts,
all decrypt: rotate by prepending a new key, re-saving, then dropping the old one). The service
refuses to start without it — it writes contact details from its first referral, and a default
key in the code would be a key every attacker has. ``altresponse serve --dev`` makes a throwaway
key for one session and says so.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ..errors import UsageError

ENV_KEY = "ALTRESPONSE_FERNET_KEY"


def new_key() -> str:
    """A fresh Fernet key (urlsafe base64 text)."""
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode("ascii")


class FieldCipher:
    """Encrypts and decrypts single text fields. Build with :meth:`from_env` or from keys."""

    def __init__(self, keys: list[str]):
        from cryptography.fernet import Fernet, MultiFernet

        self._f = MultiFernet([Fernet(k.encode("ascii")) for k in keys])

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> FieldCipher:
        """The cipher for ``ALTRESPONSE_FERNET_KEY``.

        Raises
        ------
        UsageError
            One line: the variable is missing or not a Fernet key, and how to make one.
        """
        env = os.environ if env is None else env
        raw = env.get(ENV_KEY, "").strip()
        make = "make one with `altresponse keys fernet` and keep it in your secret store"
        if not raw:
            msg = f"{ENV_KEY} is not set: the service encrypts contact details with it and will not start without it; {make}"
            raise UsageError(msg)
        try:
            return cls([k.strip() for k in raw.split(",") if k.strip()])
        except (ValueError, TypeError):
            msg = f"{ENV_KEY} is not a Fernet key (32 url-safe base64 bytes); {make}"
            raise UsageError(msg) from None

    def encrypt(self, text: str | None) -> str | None:
        return None if text is None else self._f.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str | None) -> str | None:
        return None if token is None else self._f.decrypt(token.encode("ascii")).decode("utf-8")
