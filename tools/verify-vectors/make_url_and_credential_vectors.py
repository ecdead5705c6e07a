#!/usr/bin/env python3
"""Writes tests/vectors/verify/url.json and credentials.json, shared vectors of the
outbound URL and credential calls (cordon/verify_json.h).

Expected verdicts are written out by hand below, one per URL; digests are computed here
with hashlib. Run from the repository root: python3 tools/verify-vectors/make_url_and_credential_vectors.py
"""
import hashlib
import json
import os
from collections import OrderedDict as O

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "tests", "vectors", "verify")

# (url, verdict, host or None, address class or None); verdicts as cordon names them.
URLS = [
    ("https://example.com/hook", "allowed", "example.com", None),
    ("HTTPS://API.Example.COM:8443/x?y=1#z", "allowed", "api.example.com", None),
    ("https://example.com./", "allowed", "example.com", None),
    ("https://xn--bcher-kva.example/", "allowed", "xn--bcher-kva.example", None),
    ("https://8.8.8.8/", "allowed", "8.8.8.8", "global"),
    ("https://134744072/", "allowed", "8.8.8.8", "global"),
    ("https://0x08080808/", "allowed", "8.8.8.8", "global"),
    ("https://[2606:4700:4700::1111]/", "allowed", "2606:4700:4700::1111", "global"),
    ("https://[::ffff:8.8.8.8]/", "allowed", "::ffff:8.8.8.8", "global"),
    ("https://[64:ff9b::808:808]/", "allowed", "64:ff9b::808:808", "global"),
    ("https://172.32.0.1/", "allowed", "172.32.0.1", "global"),
    ("https://example.com/a@b", "allowed", "example.com", None),
    ("https://127.0.0.1/", "loopback", "127.0.0.1", "loopback"),
    ("https://127.1/", "loopback", "127.0.0.1", "loopback"),
    ("https://2130706433/", "loopback", "127.0.0.1", "loopback"),
    ("https://0x7f000001/", "loopback", "127.0.0.1", "loopback"),
    ("https://0x7f.1/", "loopback", "127.0.0.1", "loopback"),
    ("https://0177.0.0.1/", "loopback", "127.0.0.1", "loopback"),
    ("https://017700000001/", "loopback", "127.0.0.1", "loopback"),
    ("https://127.0.0.1./", "loopback", "127.0.0.1", "loopback"),
    ("https://[::1]/", "loopback", "::1", "loopback"),
    ("https://[::ffff:127.0.0.1]/", "loopback", "::ffff:127.0.0.1", "loopback"),
    ("https://[::ffff:7f00:1]/", "loopback", "::ffff:127.0.0.1", "loopback"),
    ("https://[64:ff9b::7f00:1]/", "loopback", "64:ff9b::7f00:1", "loopback"),
    ("https://0.0.0.0/", "unspecified", "0.0.0.0", "unspecified"),
    ("https://0/", "unspecified", "0.0.0.0", "unspecified"),
    ("https://[::]/", "unspecified", "::", "unspecified"),
    ("https://10.0.0.1/", "private", "10.0.0.1", "private"),
    ("https://012.0.0.1/", "private", "10.0.0.1", "private"),
    ("https://172.16.5.4/", "private", "172.16.5.4", "private"),
    ("https://192.168.1.1/", "private", "192.168.1.1", "private"),
    ("https://0xc0a80101/", "private", "192.168.1.1", "private"),
    ("https://100.64.0.1/", "private", "100.64.0.1", "private"),
    ("https://[fd00::1]/", "private", "fd00::1", "private"),
    ("https://[fec0::1]/", "private", "fec0::1", "private"),
    ("https://[::ffff:10.0.0.1]:8443/", "private", "::ffff:10.0.0.1", "private"),
    ("https://169.254.169.254/latest/meta-data/", "link_local", "169.254.169.254", "link_local"),
    ("https://0xa9fea9fe/", "link_local", "169.254.169.254", "link_local"),
    ("https://2852039166/", "link_local", "169.254.169.254", "link_local"),
    ("https://0251.0376.0251.0376/", "link_local", "169.254.169.254", "link_local"),
    ("https://[fe80::1]/", "link_local", "fe80::1", "link_local"),
    ("https://[::ffff:169.254.169.254]/", "link_local", "::ffff:169.254.169.254", "link_local"),
    ("https://224.0.0.1/", "multicast", "224.0.0.1", "multicast"),
    ("https://[ff02::1]/", "multicast", "ff02::1", "multicast"),
    ("https://255.255.255.255/", "reserved", "255.255.255.255", "reserved"),
    ("https://240.0.0.1/", "reserved", "240.0.0.1", "reserved"),
    ("https://192.0.2.10/", "reserved", "192.0.2.10", "reserved"),
    ("https://198.18.0.1/", "reserved", "198.18.0.1", "reserved"),
    ("https://[2001:db8::1]/", "reserved", "2001:db8::1", "reserved"),
    ("https://[2002:7f00:1::1]/", "reserved", "2002:7f00:1::1", "reserved"),
    ("https://[2001::1]/", "reserved", "2001::1", "reserved"),
    ("https://[::127.0.0.1]/", "reserved", "::7f00:1", "reserved"),
    ("https://localhost/", "local_name", "localhost", None),
    ("https://LocalHost./", "local_name", "localhost", None),
    ("https://app.localhost/", "local_name", "app.localhost", None),
    ("https://printer.local/", "local_name", "printer.local", None),
    ("https://metadata.google.internal/", "local_name", "metadata.google.internal", None),
    ("https://nas.home.arpa/", "local_name", "nas.home.arpa", None),
    ("https://intranet/", "local_name", "intranet", None),
    ("http://example.com/", "not_https", None, None),
    ("ftp://example.com/", "not_https", None, None),
    ("file:///etc/passwd", "not_https", None, None),
    ("https://user:pass@example.com/", "userinfo", None, None),
    ("https://example.com@127.0.0.1/", "userinfo", None, None),
    ("https://@example.com/", "userinfo", None, None),
    ("", "malformed", None, None),
    ("example.com", "malformed", None, None),
    ("https:/example.com", "malformed", None, None),
    ("https:///example.com", "malformed", None, None),
    ("https://", "malformed", None, None),
    ("https://example.com:/", "malformed", None, None),
    ("https://example.com:0/", "malformed", None, None),
    ("https://example.com:65536/", "malformed", None, None),
    ("https://exa mple.com/", "malformed", None, None),
    ("https://example.com\\@127.0.0.1/", "malformed", None, None),
    ("https://ex%61mple.com/", "malformed", None, None),
    ("https://[fe80::1%25eth0]/", "malformed", None, None),
    ("https://[1.2.3.4]/", "malformed", None, None),
    ("https://[::ffff:127.0.0.01]/", "malformed", None, None),
    ("https://256.0.0.1/", "malformed", None, None),
    ("https://1.2.3.4.5/", "malformed", None, None),
    ("https://08.0.0.1/", "malformed", None, None),
    ("https://4294967296/", "malformed", None, None),
    ("https://example..com/", "malformed", None, None),
    ("https://ex_ample.com/", "malformed", None, None),
    ("https://b\u00fccher.example/", "malformed", None, None),
]


def url_cases():
    cases = []
    for url, verdict, host, address_class in URLS:
        result = O([("allowed", verdict == "allowed"), ("verdict", verdict)])
        if host is not None:
            result["host"] = host
        if address_class is not None:
            result["addressClass"] = address_class
        elif host is not None:
            result["address"] = None
        cases.append(O([("name", url or "(empty)"), ("call", "url"), ("input", O([("url", url)])),
                        ("expected", O([("type", "success"), ("result", result)]))]))
    failure = O([("type", "failure"), ("errors", [O([("code", "verification")])])])
    cases += [
        O([("name", "ports: allowed"), ("call", "url"),
           ("input", O([("url", "https://example.com:8443/"), ("allowedPorts", [443, 8443])])),
           ("expected", O([("type", "success"), ("result", O([("allowed", True), ("port", 8443)]))]))]),
        O([("name", "ports: refused"), ("call", "url"),
           ("input", O([("url", "https://example.com:22/"), ("allowedPorts", [443])])),
           ("expected", O([("type", "success"),
                           ("result", O([("allowed", False), ("verdict", "port_not_allowed"), ("port", 22)]))]))]),
        O([("name", "port: default 443"), ("call", "url"), ("input", O([("url", "https://example.com")])),
           ("expected", O([("type", "success"), ("result", O([("port", 443)]))]))]),
        O([("name", "call: no url"), ("call", "url"), ("input", O()), ("expected", failure)]),
        O([("name", "call: bad port list"), ("call", "url"),
           ("input", O([("url", "https://example.com/"), ("allowedPorts", [0])])), ("expected", failure)]),
        O([("name", "call: unknown key"), ("call", "url"),
           ("input", O([("url", "https://example.com/"), ("resolve", True)])), ("expected", failure)]),
    ]
    return cases


def credential_cases():
    token = "sched-7f3a9c1e5b2d4a6f8e0c1b3d5f7a9e2c"
    other = "reten-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    digest = "sha256:" + hashlib.sha256(token.encode()).hexdigest()
    failure = O([("type", "failure"), ("errors", [O([("code", "verification")])])])

    def check(name, members, state):
        return O([("name", name), ("call", "credential"), ("input", O(members)),
                  ("expected", O([("type", "success"), ("result", O([("state", state)]))]))])

    return [
        O([("name", "digest"), ("call", "digest"), ("input", O([("token", token)])),
           ("expected", O([("type", "success"), ("digest", digest)]))]),
        O([("name", "digest: too short"), ("call", "digest"), ("input", O([("token", "hunter2")])),
           ("expected", failure)]),
        O([("name", "digest: a space"), ("call", "digest"), ("input", O([("token", token + " x")])),
           ("expected", failure)]),
        check("bearer: valid", [("digest", digest), ("authorization", "Bearer " + token)], "valid"),
        check("bearer: scheme in any case", [("digest", digest), ("authorization", "bEaReR " + token)], "valid"),
        check("bearer: another token", [("digest", digest), ("authorization", "Bearer " + other)], "invalid"),
        check("bearer: Basic", [("digest", digest), ("authorization", "Basic " + token)], "invalid"),
        check("bearer: token without scheme", [("digest", digest), ("authorization", token)], "invalid"),
        check("bearer: empty header", [("digest", digest), ("authorization", "")], "missing"),
        check("bearer: scheme only", [("digest", digest), ("authorization", "Bearer")], "missing"),
        check("bearer: unset (null)", [("digest", None), ("authorization", "Bearer " + token)], "unset"),
        check("bearer: unset (empty)", [("digest", ""), ("authorization", "Bearer " + token)], "unset"),
        check("bearer: token stored in clear", [("digest", token), ("authorization", "Bearer " + token)], "unset"),
        check("secret: valid", [("digest", digest), ("presented", token)], "valid"),
        check("secret: invalid", [("digest", digest), ("presented", token + "x")], "invalid"),
        check("secret: missing", [("digest", digest), ("presented", "")], "missing"),
        check("secret: unset", [("digest", None), ("presented", token)], "unset"),
        check("secret: upper-case digest", [("digest", digest.upper().replace("SHA256:", "sha256:")),
                                            ("presented", token)], "valid"),
        O([("name", "call: both presented and authorization"), ("call", "credential"),
           ("input", O([("digest", digest), ("presented", token), ("authorization", "Bearer " + token)])),
           ("expected", failure)]),
        O([("name", "call: no digest member"), ("call", "credential"),
           ("input", O([("presented", token)])), ("expected", failure)]),
    ]


def write(name, description, cases):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(O([("description", description), ("cases", cases)]), indent=1,
                           ensure_ascii=False) + "\n")
    print(f"{len(cases)} cases -> {os.path.relpath(path)}")


write("url.json", "Outbound URL checks (cordon/verify_json.h check_outbound_url): every IPv4 and IPv6 form of "
      "local and private addresses, local names, schemes, userinfo, ports and malformed URLs. Written by "
      "tools/verify-vectors/make_url_and_credential_vectors.py.", url_cases())
write("credentials.json", "Stored-digest credentials (cordon/verify_json.h credential_digest, check_credential): "
      "bearer headers, operation secrets, unset credentials failing closed. Written by "
      "tools/verify-vectors/make_url_and_credential_vectors.py.", credential_cases())
