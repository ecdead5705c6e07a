// Tests of the binding helpers of cordon/domain_json.h: load_options (the options of a load
// call on their own, for bindings that read the bundle directory natively), load_answer and
// failure_answer (the JSON every binding hands back, with the error kind as "code"). The
// domain calls themselves are covered by the shared vectors (tests/vectors/domain).
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cordon/domain_json.h"

namespace {

using Json = nlohmann::json;

TEST(DomainJsonOptions, ReadsEveryOption) {
  auto options = cordon::domain_json::load_options(
      R"({"requireSignature": "ed25519", "verificationKey": "ab", "scrubHashKey": "k"})");
  ASSERT_TRUE(options) << options.error().to_string();
  EXPECT_EQ(options->require_signature, cordon::SignatureAlgorithm::ed25519);
  EXPECT_EQ(options->verification_key, "ab");
  EXPECT_EQ(options->scrub_hash_key, "k");

  auto none = cordon::domain_json::load_options("{}");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->require_signature, cordon::SignatureAlgorithm::none);
}

TEST(DomainJsonOptions, RefusesWhatLoadBundleRefusesWithALocation) {
  auto bad_algorithm = cordon::domain_json::load_options(R"({"requireSignature": "rsa"})");
  ASSERT_FALSE(bad_algorithm);
  EXPECT_EQ(bad_algorithm.error().to_string(),
            "options:1:22: domain error: `requireSignature` must be \"none\", \"hmac-sha256\" or "
            "\"ed25519\"");

  auto unknown = cordon::domain_json::load_options(R"({"verificationKeys": "secret-value"})");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, cordon::ErrorKind::domain);
  EXPECT_NE(unknown.error().message.find("unknown option `verificationKeys`"), std::string::npos);

  // A key that is not a string is refused without echoing it.
  auto not_string = cordon::domain_json::load_options(R"({"verificationKey": 1234567})");
  ASSERT_FALSE(not_string);
  EXPECT_EQ(not_string.error().to_string().find("1234567"), std::string::npos);

  EXPECT_EQ(cordon::domain_json::load_options("[]").error().to_string(),
            "options:1:1: domain error: `options` must be an object");
  EXPECT_EQ(cordon::domain_json::load_options("{").error().kind, cordon::ErrorKind::json);
  EXPECT_EQ(cordon::domain_json::load_options("{\"scrubHashKey\": \"\xff\"}").error().kind,
            cordon::ErrorKind::json);
}

TEST(DomainJsonAnswers, FailureCarriesTheKindAsCode) {
  cordon::Error error;
  error.kind = cordon::ErrorKind::signature;
  error.message = "the bundle is not signed";
  error.location.file = ".signatures.json";
  const Json answer = Json::parse(cordon::domain_json::failure_answer(error));
  EXPECT_EQ(answer, Json::parse(R"({"type": "failure", "errors": [{
      "message": ".signatures.json: signature error: the bundle is not signed",
      "help": null, "code": "signature", "url": null, "severity": "error"}]})"));
  EXPECT_EQ(cordon::domain_json::load_answer(error), cordon::domain_json::failure_answer(error));
}

TEST(DomainJsonAnswers, LoadAnswerNamesTheBundle) {
  const std::string manifest = R"({"name": "mini", "revision": "7", "policies": ["p.cedar"],
      "entities": "entities.json"})";
  Json call;
  call["files"]["bundle.json"] = manifest;
  call["files"]["p.cedar"] = "@id(\"p\") permit(principal, action, resource);";
  call["files"]["entities.json"] = "[]";
  auto loaded = cordon::domain_json::load_bundle(call.dump());
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(cordon::domain_json::load_answer(loaded),
            R"({"type":"success","bundle":{"name":"mini","revision":"7","digest":")" +
                loaded->digest() + "\"}}");

  call["files"]["bundle.json"] = R"({"name": "mini", "revision": "7", "polices": []})";
  const Json failure =
      Json::parse(cordon::domain_json::load_answer(cordon::domain_json::load_bundle(call.dump())));
  EXPECT_EQ(failure["type"], "failure");
  EXPECT_EQ(failure["errors"][0]["code"], "bundle");
  EXPECT_EQ(failure["errors"][0]["message"].get<std::string>().rfind("bundle.json:1:", 0), 0u)
      << failure.dump();
}

}  // namespace
