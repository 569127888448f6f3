; Inno Setup 6 script for Billing Desk: installs the PyInstaller folder into Program Files.
;
;   py build.py --installer           (builds dist\Billing Desk, then runs ISCC on this file)
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\billing-desk.iss
;
; The office's data is never in the install folder: the program keeps it in each user's
; %LOCALAPPDATA%\BillingDesk (billing_desk/paths.py). So an upgrade replaces only the program,
; and uninstalling leaves the database, its backups and the settings where they are.
; AppId must never change: it is how a newer setup finds and upgrades the installed program.

#define AppName "Billing Desk"
#define AppExe "Billing Desk.exe"
#define ConsoleExe "billing-desk.exe"
#define BuildDir AddBackslash(SourcePath) + "..\dist\Billing Desk"
#ifndef AppVersion
  ; the version resource build_installer.spec wrote from billing_desk.__version__
  #define AppVersion GetStringFileInfo(BuildDir + "\" + AppExe, "ProductVersion")
#endif

[Setup]
AppId={{A4D25C25-F680-4106-968E-B16BC0CABDA3}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SetupIconFile=..\resources\icons\billing-desk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
; a running Billing Desk is asked to close (it saves its window layout and releases the database)
CloseApplications=yes
RestartApplications=no
OutputDir=..\dist\installer
OutputBaseFilename=BillingDesk-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; an upgrade replaces the whole program folder, so no library of the older version lingers
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\{#AppName} (demo office)"; Filename: "{app}\{#AppExe}"; Parameters: "--demo"; WorkingDir: "{app}"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] for the data: %LOCALAPPDATA%\BillingDesk is the office's books.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox('{#AppName} was removed. The data was kept: each user''s database, backups and ' +
           'settings stay in their %LOCALAPPDATA%\BillingDesk folder, and a reinstalled ' +
           '{#AppName} opens them again.', mbInformation, MB_OK);
end;
