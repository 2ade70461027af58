#!/usr/bin/env python3
"""Turn `gramine-sgx-sigstruct-view --output-format=json` output into a BlindAI client policy.

Usage:
    gramine-sgx-sigstruct-view --output-format=json blindai-host.sig > sigstruct.json
    sigstruct-to-policy.py sigstruct.json --output blindai-policy.json [--allow-debug]

Reads the JSON that gramine-sgx-sigstruct-view prints (keys mr_enclave, mr_signer, isv_prod_id,
isv_svn, debug_enclave; with --verbose also attribute_flags and friends) and writes the policy JSON
that BlindAI clients load (the schema of BlindAI.Attestation's AttestationPolicy.FromJson):

    {
      "sgx": {
        "mrEnclave": ["<64 hex>"],
        "mrSigner": "<64 hex>",
        "isvProdId": <0..65535>,
        "minimumIsvSvn": <0..65535>
      }
    }

The plain-text output of gramine-sgx-sigstruct-view is documented as unstable and is refused.
A debug-signed enclave (anyone can read its memory) is refused unless --allow-debug is given; the
policy then carries "allowDebug": true so that the relaxation is visible to whoever ships it.
Only the Python 3 standard library is used. Exit status: 0 written, 1 bad input, 2 bad usage.
"""

import argparse
import json
import os
import re
import sys
import tempfile

_HEX256 = re.compile(r"^[0-9a-fA-F]{64}$")
_SGX_FLAGS_DEBUG = 0x2


class PolicyError(Exception):
    """The sigstruct description cannot be turned into a policy."""


def _hex256(sig, key):
    value = sig.get(key)
    if not isinstance(value, str) or not _HEX256.match(value):
        raise PolicyError(f"'{key}' must be 64 hexadecimal characters (a SHA-256 value), got {value!r}")
    if value.strip("0") == "":
        raise PolicyError(f"'{key}' is all zeros: this is not the SIGSTRUCT of a signed enclave")
    return value.lower()


def _uint16(sig, key):
    value = sig.get(key)
    # bool is an int in Python: refuse it explicitly.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0xFFFF:
        raise PolicyError(f"'{key}' must be an integer between 0 and 65535, got {value!r}")
    return value


def _is_debug(sig):
    debug = sig.get("debug_enclave")
    if not isinstance(debug, bool):
        raise PolicyError(f"'debug_enclave' must be true or false, got {debug!r}")
    flags = sig.get("attribute_flags")
    if flags is not None:
        # Verbose output: the attributes must agree with the summary flag.
        try:
            flags_debug = bool(int(flags, 16) & _SGX_FLAGS_DEBUG)
        except (TypeError, ValueError):
            raise PolicyError(f"'attribute_flags' must be a hexadecimal string, got {flags!r}") from None
        if flags_debug != debug:
            raise PolicyError("'attribute_flags' and 'debug_enclave' disagree about the DEBUG attribute")
    return debug


def _reject_duplicates(pairs):
    keys = [key for key, _ in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise PolicyError(f"key '{key}' appears more than once")
    return dict(pairs)


def policy_from_sigstruct(text, allow_debug=False):
    """Returns the policy dictionary for the sigstruct JSON text, or raises PolicyError."""
    try:
        sig = json.loads(text, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as err:
        hint = ""
        if text.lstrip().startswith("Attributes:"):
            hint = " (this is the unstable plain-text format: run gramine-sgx-sigstruct-view --output-format=json)"
        raise PolicyError(f"input is not JSON: {err.msg} at line {err.lineno}{hint}") from None
    if not isinstance(sig, dict):
        raise PolicyError("input must be a JSON object")

    policy = {
        "sgx": {
            "mrEnclave": [_hex256(sig, "mr_enclave")],
            "mrSigner": _hex256(sig, "mr_signer"),
            "isvProdId": _uint16(sig, "isv_prod_id"),
            "minimumIsvSvn": _uint16(sig, "isv_svn"),
        },
    }
    if _is_debug(sig):
        if not allow_debug:
            raise PolicyError(
                "the enclave is signed with the DEBUG attribute (its memory is readable by the host); "
                "rebuild with DEBUG=0, or pass --allow-debug for a development policy")
        policy["allowDebug"] = True
    return policy


def _write_atomically(path, content):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".policy-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(content)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="sigstruct-to-policy",
        description="Turn gramine-sgx-sigstruct-view JSON into a BlindAI client policy JSON.")
    parser.add_argument("input", help="sigstruct JSON file, or - for standard input")
    parser.add_argument("--output", "-o", default="-", help="policy file to write (default: standard output)")
    parser.add_argument("--allow-debug", action="store_true",
                        help="accept a debug-signed enclave (development only); the policy says so")
    args = parser.parse_args(argv)

    try:
        if args.input == "-":
            text = sys.stdin.read()
        else:
            with open(args.input, encoding="utf-8") as source:
                text = source.read()
        content = json.dumps(policy_from_sigstruct(text, args.allow_debug), indent=2) + "\n"
    except (OSError, UnicodeDecodeError, PolicyError) as err:
        print(f"sigstruct-to-policy: error: {err}", file=sys.stderr)
        return 1

    if args.output == "-":
        sys.stdout.write(content)
    else:
        _write_atomically(args.output, content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
