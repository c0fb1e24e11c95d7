// twintrunk: the desktop console.

#include <QApplication>
#include <QIcon>

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

    TwinTrunk::Ui::MainWindow window;
    window.show();
    return QApplication::exec();
}
