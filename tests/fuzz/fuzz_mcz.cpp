// A .mcz as a server or a folder hands it over: the streaming check every copy passes
// (checkMczBytes) and the whole-archive reader (MczVersion) must agree. An archive the check
// calls sound is read whole with the same name and id; neither may crash or run away. (Not the
// other way round: the reader does not inflate the members it does not need, snapshot.bin, so it
// may accept an archive the check refuses for a bad CRC there.)

#include "fuzztarget.h"
#include "monticello/mczcheck.h"
#include "monticello/mczversion.h"

using namespace TwinTrunk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Fuzz::quiet();
    const QByteArray archive = Fuzz::bytes(data, size);
    const Result<Monticello::MczSoundness> sound = Monticello::checkMczBytes(archive, QStringLiteral("fuzz.mcz"));
    const Result<Monticello::MczVersion> version = Monticello::MczVersion::readBytes(archive, QStringLiteral("fuzz.mcz"));
    if (sound)
    {
        Fuzz::require(version.ok(), "an archive the copy check calls sound is read whole");
        Fuzz::require(version->info().id() == sound->id && version->info().name() == sound->name, "the check and the reader see the same name and id");
    }
    return 0;
}
