"""SCRAM-SHA-1 credentials (RFC 5802 §3) as servers store them: salt, iteration count, StoredKey
and ServerKey. The benchmark writes them straight into Prosody's and ejabberd's stores so that
provisioning does not go through each server's one-account-at-a-time commands."""
import dataclasses
import functools
import hashlib
import hmac
import os

ITERATIONS = 4096  # what ejabberd and Prosody used by default for years, and RFC 5802's example


@dataclasses.dataclass(frozen=True)
class ScramCredentials:
    salt: bytes
    iterations: int
    stored_key: bytes
    server_key: bytes


def scram_sha1(password, salt=None, iterations=ITERATIONS):
    # Each account gets its own salt, as a real server would give it: a load generator that
    # caches salted passwords then gains nothing from accounts sharing one.
    salt = salt if salt is not None else os.urandom(12).hex().encode()
    salted_password = hashlib.pbkdf2_hmac("sha1", password.encode(), salt, iterations)
    client_key = hmac.digest(salted_password, b"Client Key", "sha1")
    server_key = hmac.digest(salted_password, b"Server Key", "sha1")
    return ScramCredentials(salt, iterations, hashlib.sha1(client_key).digest(), server_key)


@functools.cache
def _credentials(user, password):
    return scram_sha1(password)


def credentials_for(account):
    """The account's credentials, the same for every server provisioned in this process."""
    return _credentials(account.user, account.password)
