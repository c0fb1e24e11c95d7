// twintrunk: the desktop console.

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include "appearance.h"
#include "mainwindow.h"
#include "util/platform.h"

namespace
{
    void describe(QCommandLineParser &parser)
    {
        QCoreApplication::setApplicationName(QStringLiteral("twintrunk"));
        QCoreApplication::setApplicationVersion(QStringLiteral(TWINTRUNK_VERSION));
        QCoreApplication::setOrganizationName(QStringLiteral("TwinTrunk"));
        parser.setApplicationDescription(QStringLiteral("The TwinTrunk console. Without a workspace it opens the last one, or the demo."));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addPositionalArgument(QStringLiteral("WORKSPACE"), QStringLiteral("A workspace file (twintrunk.json)."), QStringLiteral("[WORKSPACE]"));
    }
}

int main(int argc, char *argv[])
{
    // --help and --version answer without a display (a package's test, a terminal over ssh).
    for (int i = 1; i < argc; ++i)
    {
        const QByteArray arg(argv[i]);
        if (arg == "--help" || arg == "-h" || arg == "--help-all" || arg == "--version" || arg == "-v")
        {
            QCoreApplication app(argc, argv);
            QCommandLineParser parser;
            describe(parser);
            parser.process(app); // prints and exits
            return 0;
        }
    }

    TwinTrunk::Platform::cacheLocalTimeZone();
    QApplication app(argc, argv);
    QCommandLineParser parser;
    describe(parser);
    QApplication::setApplicationDisplayName(QStringLiteral("TwinTrunk"));
    QApplication::setDesktopFileName(QStringLiteral("org.squeak.twintrunk"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/twintrunk.svg")));
    parser.process(app);

    if (const TwinTrunk::Ui::Appearance appearance = TwinTrunk::Ui::savedAppearance(); appearance != TwinTrunk::Ui::Appearance::System)
        TwinTrunk::Ui::applyAppearance(appearance);
    TwinTrunk::Ui::MainWindow window;
    window.show();
    window.openInitialWorkspace(parser.positionalArguments().value(0));
    return QApplication::exec();
}
