// The workspace file, as an admin (or a bad merge) leaves it: read, or an error naming what is
// wrong; and a workspace read is written back and read as the same workspace.

#include <QJsonDocument>

#include "fuzztarget.h"
#include "workspace/workspace.h"

using namespace TwinTrunk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Fuzz::quiet();
    const QJsonDocument document = QJsonDocument::fromJson(Fuzz::bytes(data, size));
    if (!document.isObject())
        return 0;
    const Result<Workspace> workspace = Workspace::fromJson(document.object(), QStringLiteral("fuzz.json"));
    if (!workspace)
        return 0;
    const QJsonObject written = workspace->toJson();
    const Result<Workspace> again = Workspace::fromJson(written, QStringLiteral("fuzz.json"));
    Fuzz::require(again.ok(), "a workspace read, written back, reads again");
    Fuzz::require(again->toJson() == written, "the round trip keeps the workspace");
    return 0;
}
