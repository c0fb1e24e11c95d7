#include "appearance.h"

#include <QApplication>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace TwinTrunk::Ui
{
    namespace
    {
        const QString AppearanceKey = QStringLiteral("appearance");

        struct SystemLook
        {
            QString style;
            QPalette palette;
        };

        // What the platform gave at the first change, to go back to.
        const SystemLook &systemLook()
        {
            static const SystemLook look{QApplication::style()->name(), QApplication::palette()};
            return look;
        }

        QPalette darkPalette()
        {
            QPalette palette;
            const QColor window(0x2b, 0x2d, 0x30), base(0x1e, 0x1f, 0x22), text(0xe6, 0xe6, 0xe6), disabled(0x80, 0x80, 0x80);
            palette.setColor(QPalette::Window, window);
            palette.setColor(QPalette::WindowText, text);
            palette.setColor(QPalette::Base, base);
            palette.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
            palette.setColor(QPalette::ToolTipBase, QColor(0x3c, 0x3f, 0x41));
            palette.setColor(QPalette::ToolTipText, text);
            palette.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
            palette.setColor(QPalette::Text, text);
            palette.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
            palette.setColor(QPalette::ButtonText, text);
            palette.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
            palette.setColor(QPalette::Light, QColor(0x45, 0x48, 0x4c));
            palette.setColor(QPalette::Midlight, QColor(0x3a, 0x3d, 0x41));
            palette.setColor(QPalette::Mid, QColor(0x25, 0x27, 0x29));
            palette.setColor(QPalette::Dark, QColor(0x19, 0x1a, 0x1c));
            palette.setColor(QPalette::Shadow, Qt::black);
            palette.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xd6));
            palette.setColor(QPalette::HighlightedText, Qt::white);
            palette.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
            palette.setColor(QPalette::LinkVisited, QColor(0xb3, 0x9d, 0xff));
            for (const QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
                palette.setColor(QPalette::Disabled, role, disabled);
            return palette;
        }
    }

    void applyAppearance(Appearance appearance)
    {
        const SystemLook &look = systemLook();
        switch (appearance)
        {
        case Appearance::System:
            QApplication::setStyle(QStyleFactory::create(look.style));
            QApplication::setPalette(look.palette);
            return;
        case Appearance::Light:
            QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
            QApplication::setPalette(QApplication::style()->standardPalette());
            return;
        case Appearance::Dark:
            QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
            QApplication::setPalette(darkPalette());
            return;
        }
    }

    Appearance savedAppearance()
    {
        const QString value = QSettings().value(AppearanceKey).toString();
        return value == u"dark" ? Appearance::Dark : value == u"light" ? Appearance::Light : Appearance::System;
    }

    void saveAppearance(Appearance appearance)
    {
        QSettings().setValue(AppearanceKey,
            appearance == Appearance::Dark        ? QStringLiteral("dark")
                : appearance == Appearance::Light ? QStringLiteral("light")
                                                  : QStringLiteral("system"));
    }

    bool isDark(const QPalette &palette)
    {
        return palette.color(QPalette::Base).lightness() < 128;
    }

    QColor toneColour(Tone tone, const QPalette &palette)
    {
        const bool dark = isDark(palette);
        switch (tone)
        {
        case Tone::Good: return dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x2e, 0x7d, 0x32);
        case Tone::Warning: return dark ? QColor(0xff, 0xb7, 0x4d) : QColor(0xb2, 0x6a, 0x00);
        case Tone::Bad: return dark ? QColor(0xef, 0x9a, 0x9a) : QColor(0xc6, 0x28, 0x28);
        }
        return palette.color(QPalette::Text);
    }

    QString toneSpan(Tone tone, const QPalette &palette, const QString &text)
    {
        return QStringLiteral("<span style='color:%1'>%2</span>").arg(toneColour(tone, palette).name(), text);
    }

    Marking marking(Mark mark, const QPalette &palette)
    {
        const bool dark = isDark(palette);
        const QColor text = palette.color(QPalette::Text);
        switch (mark)
        {
        case Mark::Added: return dark ? Marking{QColor(0x1f, 0x4d, 0x2b), text} : Marking{QColor(0xd7, 0xf5, 0xdd), QColor(0x20, 0x20, 0x20)};
        case Mark::Removed: return dark ? Marking{QColor(0x5c, 0x25, 0x25), text} : Marking{QColor(0xfb, 0xd9, 0xd9), QColor(0x20, 0x20, 0x20)};
        case Mark::Differs: return dark ? Marking{QColor(0x4d, 0x42, 0x14), text} : Marking{QColor(0xff, 0xf3, 0xc4), QColor(0x20, 0x20, 0x20)};
        }
        return Marking{palette.color(QPalette::Base), text};
    }
}
