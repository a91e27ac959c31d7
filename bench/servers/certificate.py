"""The one self-signed certificate every server under test presents, so that TLS costs the same:
ECDSA P-256 (the key type Tern generates for itself) for the domain and its MUC service."""
import pathlib
import subprocess


def make_certificate(directory, names):
    """Writes certificate.pem and key.pem into DIRECTORY for the DNS NAMES, once; returns their
    paths. The key is world-readable: it is a throwaway, and servers may drop privileges."""
    directory = pathlib.Path(directory)
    certificate, key = directory / "certificate.pem", directory / "key.pem"
    if not (certificate.exists() and key.exists()):
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-sha256", "-days", "3650", "-subj", f"/CN={names[0]}",
                        "-addext", "subjectAltName=" + ",".join(f"DNS:{name}" for name in names),
                        "-keyout", str(key), "-out", str(certificate)],
                       check=True, capture_output=True)
        key.chmod(0o644)
    return certificate, key
