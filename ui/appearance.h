#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

namespace TwinTrunk::Ui
{
    // Light or dark: the system's choice, or the person's (View > Appearance, kept in QSettings).
    enum class Appearance
    {
        System,
        Light,
        Dark,
    };

    // Applies an appearance to the whole application: the system's own style and palette, or
    // Fusion with a light or a dark palette (the same on Linux, macOS and Windows).
    void applyAppearance(Appearance appearance);
    Appearance savedAppearance();
    void saveAppearance(Appearance appearance);

    bool isDark(const QPalette &palette);

    // The colours that carry meaning, one place for all views, readable on the palette's base
    // (the dark palette gets lighter tones of the same hues).
    enum class Tone
    {
        Good,    // up, passed
        Warning, // behind, missing, a warning
        Bad,     // down, conflict, regression, failed
    };
    QColor toneColour(Tone tone, const QPalette &palette);
    // "<span style='color:#...'>text</span>" for rich-text labels.
    QString toneSpan(Tone tone, const QPalette &palette, const QString &text);

    // Backgrounds for marked text (a diff's added and removed lines, a differing field) with a
    // foreground that reads on them.
    struct Marking
    {
        QColor background;
        QColor foreground;
    };
    enum class Mark
    {
        Added,
        Removed,
        Differs,
    };
    Marking marking(Mark mark, const QPalette &palette);
}
