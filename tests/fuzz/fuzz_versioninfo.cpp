// The `version` member of a .mcz (the ancestry, an s-expression from any image): parsed, or an
// error; and what is parsed is written back as Monticello writes it, reads the same again, and
// writes the same bytes again: the round trip is a fixed point.

#include "fuzztarget.h"
#include "monticello/versioninfo.h"

using namespace TwinTrunk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Fuzz::quiet();
    const Result<Monticello::VersionInfo> parsed = Monticello::VersionInfo::parse(Fuzz::bytes(data, size));
    if (!parsed)
        return 0;
    const QByteArray written = parsed->serialize();
    const Result<Monticello::VersionInfo> again = Monticello::VersionInfo::parse(written);
    Fuzz::require(again.ok(), "a parsed version info, serialized, parses again");
    Fuzz::require(again->name() == parsed->name() && again->id() == parsed->id(), "the round trip keeps the name and the id");
    Fuzz::require(again->records().size() == parsed->records().size(), "the round trip keeps every record of the ancestry");
    Fuzz::require(again->serialize() == written, "written again, the same bytes");
    return 0;
}
