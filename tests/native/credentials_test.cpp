// Stored-digest credentials (cordon/credentials.h): bearer tokens and operation secrets are
// compared with their SHA-256 digests, refused when unset, and never cross purposes.
#include "cordon/credentials.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace {

using cordon::CredentialSet;
using cordon::CredentialState;

const std::string kScheduler = "sched-7f3a9c1e5b2d4a6f8e0c1b3d5f7a9e2c";
const std::string kRetention = "reten-0a1b2c3d4e5f60718293a4b5c6d7e8f9";

std::string digest(const std::string& token) {
  auto d = cordon::credential_digest(token);
  EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().message);
  return d.ok() ? *d : std::string();
}

TEST(Credentials, DigestFormat) {
  const std::string d = digest(kScheduler);
  EXPECT_EQ(d.rfind("sha256:", 0), 0u);
  EXPECT_EQ(d.size(), 7u + 64u);
  EXPECT_TRUE(cordon::is_credential_digest(d));
  EXPECT_EQ(d.find(kScheduler), std::string::npos);
  // SHA-256 of "abc...": a known value keeps the format stable across builds.
  EXPECT_EQ(*cordon::credential_digest(std::string(32, 'a')),
            "sha256:3ba3f5f43b92602683c19aee62a20342b084dd5971ddd33808d81a328879a547");
}

TEST(Credentials, DigestRefusesWeakOrOddTokens) {
  EXPECT_FALSE(cordon::credential_digest("short").ok());
  EXPECT_FALSE(cordon::credential_digest(std::string(31, 'a')).ok());
  EXPECT_FALSE(cordon::credential_digest(std::string(32, 'a') + " space").ok());
  EXPECT_FALSE(cordon::credential_digest(std::string(32, 'a') + "\n").ok());
  EXPECT_FALSE(cordon::credential_digest(std::string(32, '=')).ok());
  EXPECT_TRUE(cordon::credential_digest(std::string(30, 'a') + "+/==").ok());
  auto error = cordon::credential_digest("hunter2");
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().message.find("hunter2"), std::string::npos);
}

TEST(Credentials, BearerChecks) {
  const std::string d = digest(kScheduler);
  EXPECT_EQ(cordon::check_bearer("Bearer " + kScheduler, d).state, CredentialState::valid);
  EXPECT_EQ(cordon::check_bearer("bearer " + kScheduler, d).state, CredentialState::valid);
  EXPECT_EQ(cordon::check_bearer("BEARER   " + kScheduler + " ", d).state, CredentialState::valid);
  EXPECT_EQ(cordon::check_bearer("Bearer " + kScheduler + "x", d).state, CredentialState::invalid);
  EXPECT_EQ(cordon::check_bearer("Bearer " + kRetention, d).state, CredentialState::invalid);
  EXPECT_EQ(cordon::check_bearer("Basic " + kScheduler, d).state, CredentialState::invalid);
  EXPECT_EQ(cordon::check_bearer(kScheduler, d).state, CredentialState::invalid);
  EXPECT_EQ(cordon::check_bearer("Bearer a b", d).state, CredentialState::invalid);
  EXPECT_EQ(cordon::check_bearer("", d).state, CredentialState::missing);
  EXPECT_EQ(cordon::check_bearer("   ", d).state, CredentialState::missing);
  EXPECT_EQ(cordon::check_bearer("Bearer ", d).state, CredentialState::missing);
  // Upper-case hex in the stored digest is the same digest.
  std::string upper = d;
  for (size_t i = 7; i < upper.size(); ++i) upper[i] = char(std::toupper((unsigned char)upper[i]));
  EXPECT_EQ(cordon::check_bearer("Bearer " + kScheduler, upper).state, CredentialState::valid);
}

TEST(Credentials, UnsetFailsClosed) {
  for (const std::string& presented : {std::string(), kScheduler, std::string("anything")}) {
    EXPECT_EQ(cordon::check_secret(presented, "").state, CredentialState::unset);
    EXPECT_EQ(cordon::check_bearer("Bearer " + presented, "").state, CredentialState::unset);
    // A stored value that is not a digest (a token pasted in clear) is refused too.
    EXPECT_EQ(cordon::check_secret(presented, kScheduler).state, CredentialState::unset);
    EXPECT_EQ(cordon::check_secret(presented, "sha256:abc").state, CredentialState::unset);
  }
  CredentialSet empty;
  EXPECT_EQ(empty.check_bearer("scheduler", "Bearer " + kScheduler).state, CredentialState::unset);
  EXPECT_FALSE(empty.check_secret("retention", kRetention).ok());
  EXPECT_FALSE(empty.configured("retention"));
}

TEST(Credentials, SetKeepsPurposesApart) {
  auto set =
      CredentialSet::from_json(R"({"scheduler": ")" + digest(kScheduler) + R"(", "retention": ")" +
                               digest(kRetention) + R"(", "destructive_ops": null})");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_TRUE(set->check_bearer("scheduler", "Bearer " + kScheduler).ok());
  EXPECT_TRUE(set->check_secret("retention", kRetention).ok());
  // The scheduler token never opens a retention delete, and the reverse.
  EXPECT_EQ(set->check_secret("retention", kScheduler).state, CredentialState::invalid);
  EXPECT_EQ(set->check_bearer("scheduler", "Bearer " + kRetention).state, CredentialState::invalid);
  // Configured as null: unset, whatever is presented.
  EXPECT_EQ(set->check_secret("destructive_ops", kScheduler).state, CredentialState::unset);
  EXPECT_EQ(set->check_secret("unknown", kScheduler).state, CredentialState::unset);
  EXPECT_EQ(set->check_secret("retention", "").state, CredentialState::missing);
}

TEST(Credentials, SetRefusesBadConfiguration) {
  const std::string d = digest(kScheduler);
  EXPECT_FALSE(CredentialSet::from_json("[]").ok());
  EXPECT_FALSE(CredentialSet::from_json("not json").ok());
  EXPECT_FALSE(CredentialSet::from_json(R"({"scheduler": 5})").ok());
  // A token in clear where a digest belongs: refused, and the message does not quote it.
  auto clear = CredentialSet::from_json(R"({"scheduler": ")" + kScheduler + R"("})");
  ASSERT_FALSE(clear.ok());
  EXPECT_EQ(clear.error().message.find(kScheduler), std::string::npos);
  // One secret for two operations defeats the separation.
  auto shared =
      CredentialSet::from_json(R"({"scheduler": ")" + d + R"(", "retention": ")" + d + R"("})");
  ASSERT_FALSE(shared.ok());
  EXPECT_NE(shared.error().message.find("same digest"), std::string::npos);
}

TEST(Credentials, StatesMatchRouteRequestWords) {
  EXPECT_STREQ(to_string(CredentialState::valid), "valid");
  EXPECT_STREQ(to_string(CredentialState::invalid), "invalid");
  EXPECT_STREQ(to_string(CredentialState::missing), "missing");
  EXPECT_STREQ(to_string(CredentialState::unset), "unset");
}

}  // namespace
