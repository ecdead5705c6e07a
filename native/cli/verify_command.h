// `cordon webhook verify|sign`, `cordon url check`, `cordon credential digest|check`.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace cordon::cli {

extern const char kWebhookHelp[];
extern const char kUrlHelp[];
extern const char kCredentialHelp[];

int run_webhook(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                std::ostream& err);
int run_url(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
            std::ostream& err);
int run_credential(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                   std::ostream& err);

}  // namespace cordon::cli
