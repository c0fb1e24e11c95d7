// The `version` member of a .mcz (the ancestry, an s-expression from any image): parsed, or an
// error; and what is parsed is written back as Monticello writes it and reads the same again.

#include "fuzztarget.h"
#include "monticello/versioninfo.h"

using namespace TwinTrunk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Fuzz::quiet();
    const Result<Monticello::VersionInfo> parsed = Monticello::VersionInfo::parse(Fuzz::bytes(data, size));
    if (!parsed)
        return 0;
    const Result<Monticello::VersionInfo> again = Monticello::VersionInfo::parse(parsed->serialize());
    Fuzz::require(again.ok(), "a parsed version info, serialized, parses again");
    Fuzz::require(again->name() == parsed->name() && again->id() == parsed->id(), "the round trip keeps the name and the id");
    return 0;
}
