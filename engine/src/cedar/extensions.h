// Cedar's extension functions: the constructors decimal(), ip(), datetime(),
// duration() and their methods (lessThan, isIpv4, isInRange, offset, toDate, ...).
//
// Every function is called with already-evaluated arguments; a method's receiver
// is args[0]. Errors (a malformed literal, an overflow, a wrong argument type)
// are reported by returning false with a message, never by throwing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cedar/value.h"

namespace cordon::cedar {

// Whether `name` is an extension constructor callable as a function: decimal, ip, datetime,
// duration (also "ipaddr"? no: Cedar's function names only).
bool is_extension_function(std::string_view name);

// Whether `name` is an extension method (called as receiver.name(args)).
bool is_extension_method(std::string_view name);

// Calls extension function or method `name`. For methods, args[0] is the receiver.
// On success stores the result in `out` and returns true; otherwise sets `error` to a
// message in Cedar's style (e.g. "error while evaluating `decimal` extension function:
// failed to parse decimal value: 1.23456") and returns false.
bool call_extension(std::string_view name, const std::vector<Value>& args, Value& out,
                    std::string& error);
// The same with the arguments by pointer (`count` of them), copying none.
bool call_extension(std::string_view name, const Value* const* args, size_t count, Value& out,
                    std::string& error);

// The comparison operators <, <=, >, >= on extension values of the same comparable type
// (datetime with datetime, duration with duration, decimal with decimal if Cedar allows).
// Returns false with `error` set when the operands are not comparable that way.
bool compare_extension(const Value& a, const Value& b, int& result, std::string& error);

// Whether the comparison operators accept this extension type.
bool is_ordered_extension(ExtensionValue::Type type);

}  // namespace cordon::cedar
