// twintrunk: the desktop console.

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include "appearance.h"
#include "mainwindow.h"
#include "util/platform.h"

int main(int argc, char *argv[])
{
    TwinTrunk::Platform::cacheLocalTimeZone();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("twintrunk"));
    QApplication::setApplicationDisplayName(QStringLiteral("TwinTrunk"));
    QApplication::setApplicationVersion(QStringLiteral(TWINTRUNK_VERSION));
    QApplication::setOrganizationName(QStringLiteral("TwinTrunk"));
    QApplication::setDesktopFileName(QStringLiteral("org.squeak.twintrunk"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/twintrunk.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The TwinTrunk console. Without a workspace it opens the last one, or the demo."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("WORKSPACE"), QStringLiteral("A workspace file (twintrunk.json)."), QStringLiteral("[WORKSPACE]"));
    parser.process(app);

    if (const TwinTrunk::Ui::Appearance appearance = TwinTrunk::Ui::savedAppearance(); appearance != TwinTrunk::Ui::Appearance::System)
        TwinTrunk::Ui::applyAppearance(appearance);
    TwinTrunk::Ui::MainWindow window;
    window.show();
    window.openInitialWorkspace(parser.positionalArguments().value(0));
    return QApplication::exec();
}
