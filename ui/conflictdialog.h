#pragma once

#include <QDialog>
#include <QPointer>

#include "conflicts/inspection.h"
#include "conflicts/resolution.h"
#include "presentation/verdict.h"

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QMessageBox;
class QLineEdit;
class QPushButton;
class QSplitter;
class QTableWidget;
class QTextBrowser;
class QTreeWidget;

namespace TwinTrunk::Ui
{
    class Request;
    class WorkspaceController;

    // One duplicate-name conflict side by side, in the manner of Nextcloud's conflict dialog and
    // Meld: the variants' facts with the differences highlighted, ancestry and update-map reference,
    // the definitions whose code differs, each marked with the side that changed it, and its code
    // in columns (ancestor | a | b as KDiff3 shows it when the common ancestor can be read, else
    // a | b); and the decision (keep one, the others renamed, never lost; or defer with a note),
    // applied only after a confirmation in plain words (what images will load first, as
    // `twintrunkctl resolve --dry-run` says it), No its default; the result names the new name.
    class ConflictDialog final : public QDialog
    {
        Q_OBJECT

    public:
        // For tests: the headline and advice as shown, as plain text.
        QString headlineText() const;
        ConflictDialog(WorkspaceController *controller, const QString &project, const QString &name, QWidget *parent = nullptr);

        // For tests.
        QStringList changedDefinitions() const;
        // Each changed definition's marker: "a", "b", "both" against the ancestor, else where it is ("only in b").
        QStringList definitionMarkers() const;
        // The code comparison's column labels ("a (box2)", "b (box4)", with the ancestor first in three ways).
        QStringList comparisonColumns() const { return m_columns; }
        // What the code is compared against, or why only two ways.
        QString comparisonText() const;
        QString fieldText(int row, int variant) const;
        QString resultText() const;
        bool isReady() const { return !m_inspection.variants.isEmpty(); }

    public Q_SLOTS:
        // Keep variant `index` (0: the first column): a dry run first, then the confirmation.
        void keepVariant(int index);
        void defer();

    private:
        void showInspection(const Request &request);
        // A dry run's plan in plain words, to confirm; then the resolution.
        void confirmResolution(const Request &request);
        void resolve();
        void showResolution(const Request &request);
        void showDiff();
        void showDefinitions();

        WorkspaceController *m_controller;
        QString m_project;
        QString m_name;
        Conflicts::ConflictInspection m_inspection;
        Presentation::ConflictView m_view; // what both front ends say about it
        QTableWidget *m_facts;
        QTreeWidget *m_definitions;
        QTextBrowser *m_diff;
        QLabel *m_comparison; // three-way against which ancestor, or why two-way
        QSplitter *m_code;    // the definitions | their code
        QStringList m_columns;
        QLineEdit *m_note;
        QCheckBox *m_replace;
        QLabel *m_headline; // how the variants relate and what to keep (Presentation::conflictAdvice)
        QLabel *m_result;
        QList<QPushButton *> m_keep;
        QPushButton *m_defer;
        QDialogButtonBox *m_buttons = nullptr;
        void setDeciding(bool deciding);
        QString m_pendingKeep;                      // the server whose variant the person chose
        Conflicts::ResolveOptions m_pendingOptions; // and the options as they were when chosen
        QPointer<Request> m_dryRun;                 // the dry run being worked out, while it is
        QPointer<QMessageBox> m_confirmation;
    };
}
