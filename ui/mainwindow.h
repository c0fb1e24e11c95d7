#pragma once

#include <QMainWindow>

namespace TwinTrunk::Ui
{
    // The console's main window. For now: the application's frame, its menus and the About box;
    // the servers, projects, diff and conflict views grow into it with the console issue.
    class MainWindow final : public QMainWindow
    {
        Q_OBJECT
        Q_DISABLE_COPY_MOVE(MainWindow)

    public:
        explicit MainWindow(QWidget *parent = nullptr);
        ~MainWindow() override;

    public Q_SLOTS:
        void showAbout();

    protected:
        void closeEvent(QCloseEvent *event) override;

    private:
        void createMenus();
    };
}
