// The verification calls as JSON text in and JSON text out, for the bindings (WASM, Python)
// and the CLI, so that every build answers byte for byte the same. Each answer is
// {"type":"success","result":{...}} or domain_json's failure answer, whose error "code" is
// the kind ("verification" for a malformed call, "json" for text that is not JSON). A refused
// delivery, URL or credential is a success whose result says why; only a malformed call
// is a failure.
//
//   verify_webhook(R"({"scheme": "stripe", "payload": "{...}", "signature": "t=...,v1=...",
//                      "secrets": ["whsec_..."], "now": 1700000100})")
//   // {"type":"success","result":{"verified":true,"outcome":"verified","message":"...",
//   //  "timestamp":1700000000,"replayKey":"stripe:<hex>","replayExpiresAt":1700000301,
//   //  "secretIndex":0}}
//   check_outbound_url(R"({"url": "https://0x7f.1/hook"})")
//   // {"type":"success","result":{"allowed":false,"verdict":"loopback","message":"...",
//   //  "host":"127.0.0.1","port":443,"address":"127.0.0.1","addressClass":"loopback"}}
//
// The copies of secrets made while reading a call are wiped before the call returns; the
// caller's own copy of the call text is the caller's to wipe.
#pragma once

#include <string>
#include <string_view>

#include "cordon/credentials.h"
#include "cordon/outbound_url.h"
#include "cordon/replay_store.h"
#include "cordon/webhook.h"

namespace cordon::verify_json {

// {"scheme"?: "stripe"|"generic" (default stripe), "payload": "...", "signature": "<header>",
//  "timestamp"?: "<generic timestamp header>", "secrets": ["...", ...],
//  "now"?: <Unix seconds, default the clock>, "toleranceSeconds"?: <0..86400, default 300>,
//  "replayScope"?: "..."}
std::string verify_webhook(std::string_view call_json);
// The same, each delivery accepted once through `store`.
std::string verify_webhook(std::string_view call_json, ReplayStore& store);

// {"scheme"?: "stripe"|"generic", "secret": "...", "timestamp": <Unix seconds>, "payload": "..."}
//   → {"type":"success","signature":"t=...,v1=..." | "sha256=..."}
std::string sign_webhook(std::string_view call_json);

// {"url": "...", "allowedPorts"?: [443, ...]}
std::string check_outbound_url(std::string_view call_json);

// {"digest": "sha256:<hex>" | "" | null, and one of "authorization": "Bearer <token>"
//  or "presented": "<secret>"} → {"type":"success","result":{"state","message"}}
std::string check_credential(std::string_view call_json);

// {"token": "..."} → {"type":"success","digest":"sha256:<hex>"}
std::string credential_digest(std::string_view call_json);

// The success answers of the calls above for results of the C++ API, for callers that make
// the call themselves (the CLI, with secrets read from files): the same text, byte for byte.
std::string webhook_answer(const webhook::Verdict& verdict);
std::string url_answer(const OutboundUrlCheck& check);
std::string credential_answer(const CredentialCheck& check);

}  // namespace cordon::verify_json
