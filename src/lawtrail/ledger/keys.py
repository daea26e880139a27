"""The log's signing keys, kept as PEM files under LAWTRAIL_DATA_DIR/keys (private keys mode 0600).

Created at first use; read_or_create makes that safe when several processes start at once. In a
multi-server deployment the directory must hold the same keys on every server (provision it;
do not let each server create its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lawtrail.files import read_or_create

from . import note


def _ed25519_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _sm2_pem() -> bytes:
    from tongsuopy.crypto import serialization as ts
    from tongsuopy.crypto.asymciphers import ec

    return ec.generate_private_key(ec.SM2()).private_bytes(
        ts.Encoding.PEM, ts.PrivateFormat.PKCS8, ts.NoEncryption())


@dataclass(frozen=True)
class Keyring:
    signers: tuple

    @property
    def verifiers(self) -> tuple:
        return tuple(s.verifier for s in self.signers)

    @property
    def required(self) -> tuple[str, ...]:
        """Names of keys whose signature every checkpoint must carry: the Ed25519 key."""
        return (self.signers[0].name,)


@lru_cache(maxsize=8)
def load(keys_dir: Path, origin: str, sm2: bool) -> Keyring:
    ed = serialization.load_pem_private_key(read_or_create(keys_dir / "ed25519.key", _ed25519_pem), None)
    signers = [note.Ed25519Signer(origin, ed)]
    _write_public(keys_dir / "ed25519.pub", signers[0].verifier.pem())
    if sm2:
        from tongsuopy.crypto import serialization as ts

        key = ts.load_pem_private_key(read_or_create(keys_dir / "sm2.key", _sm2_pem), None)
        signers.append(note.SM2Signer(f"{origin}#sm2", key))
        _write_public(keys_dir / "sm2.pub", signers[1].verifier.pem())
    return Keyring(tuple(signers))


def _write_public(path: Path, pem: str) -> None:
    read_or_create(path, lambda: pem.encode(), mode=0o644)


def current() -> Keyring:
    from django.conf import settings

    return load(Path(settings.LAWTRAIL_KEYS_DIR), settings.LAWTRAIL_LOG_ORIGIN, settings.LAWTRAIL_SM2)
