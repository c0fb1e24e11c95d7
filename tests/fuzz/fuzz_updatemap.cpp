// An update map (.mcm) from a server: parsed, or an error; never a crash, a hang or a sanitizer
// report (the property libFuzzer checks by itself).

#include "fuzztarget.h"
#include "monticello/updatemap.h"

using namespace TwinTrunk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Fuzz::quiet();
    (void)Monticello::UpdateMap::parse(Fuzz::bytes(data, size));
    return 0;
}
