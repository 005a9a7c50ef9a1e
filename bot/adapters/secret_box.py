"""Encrypt tokens at rest with Fernet (AES-128-CBC plus HMAC-SHA256), keyed by COMMSDESK_SECRET_KEY.

The one place the desk encrypts: the X accounts' tokens (`token_vault`) and the Meta pages' (`meta_tokens`).
Generate a key with `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

from bot.core.errors import ConfigurationError, UnreadableSecret


def _fernet(key: str) -> Fernet:
    try:
        return Fernet(key.encode())
    except (ValueError, TypeError):
        raise ConfigurationError(
            "COMMSDESK_SECRET_KEY is not a Fernet key: generate one with "
            '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`'
        ) from None


def encrypt(key: str, plaintext: str) -> str:
    """Encrypt `plaintext` under `key`; the token is URL-safe text, safe to store."""
    return _fernet(key).encrypt(plaintext.encode()).decode()


def decrypt(key: str, token: str) -> str:
    """Decrypt a token made by `encrypt`; a wrong key or a tampered token is UnreadableSecret."""
    try:
        return _fernet(key).decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret(
            "a stored token cannot be decrypted with COMMSDESK_SECRET_KEY: the key changed or the record was "
            "altered; restore the old key or link the account again"
        ) from None
