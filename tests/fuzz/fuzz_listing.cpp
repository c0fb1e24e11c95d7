// A project's HTML listing from a server that may be hostile: every name kept is a plain version
// file name, safe to put in a path or a URL, and the limits hold.

#include "fuzztarget.h"
#include "repository/listing.h"

using namespace TwinTrunk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Fuzz::quiet();
    Repository::ListingLimits limits;
    limits.maxEntries = 512; // small, so that the fuzzer reaches the limit too
    const Result<Repository::Listing> listing = Repository::parseHtmlListing(Fuzz::bytes(data, size), QStringLiteral("fuzz trunk"), limits);
    if (!listing)
        return 0;
    Fuzz::require(listing->entries.size() <= limits.maxEntries, "no more entries than the limit");
    for (const Repository::ListingEntry &entry : listing->entries)
    {
        Fuzz::require(Repository::unsafeFileNameReason(entry.fileName).isEmpty(), "every listed name is safe in a path");
        Fuzz::require(Repository::isVersionFileName(entry.fileName), "every listed name is a .mcz or .mcm");
        Fuzz::require(entry.size >= -1, "a size is known (>= 0) or unknown (-1)");
    }
    return 0;
}
