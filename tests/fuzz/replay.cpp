// In ordinary builds (no libFuzzer), each fuzz target is this main: it runs the target over the
// files and folders named (the seed corpus and every input a fuzzer once crashed on), so CI and
// the sanitizer builds keep them passing. libFuzzer builds use libFuzzer's main instead.

#include <QDir>
#include <QDirIterator>
#include <QFile>

#include "fuzztarget.h"

int main(int argc, char **argv)
{
    int inputs = 0;
    for (int i = 1; i < argc; ++i)
    {
        const QString path = QFile::decodeName(argv[i]);
        QStringList files;
        if (QFileInfo(path).isDir())
        {
            QDirIterator it(path, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                files.append(it.next());
            files.sort();
        }
        else
            files.append(path);
        for (const QString &file : files)
        {
            QFile input(file);
            if (!input.open(QIODevice::ReadOnly))
            {
                std::fprintf(stderr, "replay: cannot read %s\n", qPrintable(file));
                return 1;
            }
            const QByteArray data = input.readAll();
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(data.constData()), size_t(data.size()));
            ++inputs;
        }
    }
    std::printf("replay: %d inputs, no crash\n", inputs);
    return inputs > 0 ? 0 : 1;
}
