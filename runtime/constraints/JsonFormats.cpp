//===- JsonFormats.cpp - String formats as syntax trees -------------------===//
#include "runtime/constraints/JsonFormats.h"

#include "runtime/constraints/RegexParser.h"
#include "runtime/support/MessageText.h"

#include <string>

namespace sgl::runtime::constraints {

namespace {

// Written in the regex parser's dialect, matched in full.

const std::string kYear =
    "(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})";
/// Years divisible by 4, not by 100 unless by 400 (0000 is no year).
const std::string kLeapYear =
    "([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])"
    "00)";
const std::string kDate =
    "(" + kYear +
    "-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]"
    "|30)|02-(0[1-9]|1[0-9]|2[0-8]))|" +
    kLeapYear + "-02-29)";
const std::string kTime = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?"
                          "(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])";

const std::string kAtom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const std::string kLabel = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const std::string kEmail =
    kAtom + "(\\." + kAtom + ")*@" + kLabel + "(\\." + kLabel + ")+";

const std::string kHex = "[0-9a-fA-F]";
const std::string kUuid = kHex + "{8}-" + kHex + "{4}-" + kHex + "{4}-" + kHex +
                          "{4}-" + kHex + "{12}";

// RFC 3986, section 3 and appendix A.
const std::string kPct = "%[0-9A-Fa-f]{2}";
/// unreserved and sub-delims; '-' goes last in each class.
const std::string kUnreservedSub = "A-Za-z0-9._~!$&'()*+,;=";
std::string uriClass(const std::string &extra) {
  return "[" + kUnreservedSub + extra + "-]";
}
const std::string kPchar = "(" + uriClass(":@") + "|" + kPct + ")";
const std::string kAuthority = "((" + uriClass(":") + "|" + kPct + ")*@)?(" +
                               uriClass("") + "|" + kPct + ")*(:[0-9]*)?";
const std::string kPathAbempty = "(/" + kPchar + "*)*";
const std::string kPathAbsolute = "/(" + kPchar + "+(/" + kPchar + "*)*)?";
const std::string kPathRootless = kPchar + "+(/" + kPchar + "*)*";
const std::string kQueryFragment =
    "(\\?(" + kPchar + "|[/?])*)?(#(" + kPchar + "|[/?])*)?";
const std::string kUri = "[A-Za-z][A-Za-z0-9+.-]*:(//" + kAuthority +
                         kPathAbempty + "|" + kPathAbsolute + "|" +
                         kPathRootless + ")?" + kQueryFragment;
/// A first segment without ':' (so it cannot read as a scheme).
const std::string kPathNoscheme =
    "(" + uriClass("@") + "|" + kPct + ")+(/" + kPchar + "*)*";
const std::string kRelativeRef = "(//" + kAuthority + kPathAbempty + "|" +
                                 kPathAbsolute + "|" + kPathNoscheme + ")?" +
                                 kQueryFragment;

const std::string kOctet = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
const std::string kIpv4 = kOctet + "(\\." + kOctet + "){3}";

} // namespace

Expected<RegexNode> jsonFormatLanguage(std::string_view format,
                                       const AutomatonLimits &limits) {
  std::string pattern;
  if (format == "date")
    pattern = kDate;
  else if (format == "time")
    pattern = kTime;
  else if (format == "date-time")
    pattern = kDate + "T" + kTime;
  else if (format == "email")
    pattern = kEmail;
  else if (format == "uuid")
    pattern = kUuid;
  else if (format == "uri")
    pattern = kUri;
  else if (format == "uri-reference")
    pattern = "(" + kUri + "|" + kRelativeRef + ")";
  else if (format == "ipv4")
    pattern = kIpv4;
  else
    return makeError("unsupported format " + sgl::quoted(format));
  Expected<RegexNode> tree = parseRegex(pattern, limits);
  if (!tree) // the patterns above are fixed: a failure is a bug here
    return makeError("format " + sgl::quoted(format) +
                     " failed to build: " + tree.error().message);
  return tree;
}

} // namespace sgl::runtime::constraints
