// Renders the application's SVG icon to the PNG sizes a desktop wants, at build time, with Qt's
// own SVG renderer (nothing downloaded, no image tool needed): the freedesktop hicolor theme on
// Linux, a Windows .ico, and a macOS .iconset for iconutil.
//
//   twintrunk_iconrender SVG hicolor DIR NAME   -> DIR/<n>x<n>/apps/NAME.png
//   twintrunk_iconrender SVG ico FILE           -> FILE (16..256 in one .ico)
//   twintrunk_iconrender SVG iconset DIR        -> DIR/icon_<n>x<n>[@2x].png

#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QImageWriter>
#include <QPainter>
#include <QSvgRenderer>
#include <QTextStream>

namespace
{
    QImage render(QSvgRenderer &svg, int size)
    {
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        svg.render(&painter);
        return image;
    }

    bool save(const QImage &image, const QString &path)
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QImageWriter writer(path);
        if (writer.write(image))
            return true;
        QTextStream(stderr) << path << ": " << writer.errorString() << '\n';
        return false;
    }
}

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen"); // a build step: no display
    QGuiApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 4)
    {
        QTextStream(stderr) << "usage: twintrunk_iconrender SVG hicolor DIR NAME | ico FILE | iconset DIR\n";
        return 2;
    }
    QSvgRenderer svg(args.at(1));
    if (!svg.isValid())
    {
        QTextStream(stderr) << args.at(1) << ": not a readable SVG\n";
        return 1;
    }
    const QString mode = args.at(2), target = args.at(3);
    bool ok = true;
    if (mode == u"hicolor" && args.size() == 5)
    {
        for (const int size : {16, 22, 24, 32, 48, 64, 128, 256, 512})
            ok = save(render(svg, size), QStringLiteral("%1/%2x%2/apps/%3.png").arg(target).arg(size).arg(args.at(4))) && ok;
    }
    else if (mode == u"ico")
    {
        // One image per file is what Qt's ICO writer keeps: the largest, which Windows scales.
        ok = save(render(svg, 256), target);
    }
    else if (mode == u"iconset")
    {
        for (const int size : {16, 32, 128, 256, 512})
        {
            ok = save(render(svg, size), QStringLiteral("%1/icon_%2x%2.png").arg(target).arg(size)) && ok;
            ok = save(render(svg, 2 * size), QStringLiteral("%1/icon_%2x%2@2x.png").arg(target).arg(size)) && ok;
        }
    }
    else
    {
        QTextStream(stderr) << "unknown mode '" << mode << "'\n";
        return 2;
    }
    return ok ? 0 : 1;
}
