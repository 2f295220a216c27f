; Inno Setup script: a Windows installer for the PyInstaller folder dist\briefing-builder\.
; NOT built or tested in this project's own CI (Linux); the package workflow
; (.github/workflows/package.yml) builds it on a Windows runner:
;   set BRIEFING_BUILDER_VERSION=0.1.0   (the workflow reads it from briefing_builder.__version__)
;   iscc packaging\windows\briefing-builder.iss
; Output: dist\briefing-builder-VERSION-setup.exe

#define AppName "Briefing Builder"
#define AppVersion GetEnv("BRIEFING_BUILDER_VERSION")
#if AppVersion == ""
  #error Set BRIEFING_BUILDER_VERSION to the app's version (src/briefing_builder/__init__.py)
#endif
#define GuiExe "briefing-builder-gui.exe"

[Setup]
; The AppId identifies the app across upgrades: never change it.
AppId={{5068C0E8-E602-4459-8637-2193033860DF}
AppName={#AppName}
AppVersion={#AppVersion}
VersionInfoVersion={#AppVersion}
AppPublisher=Briefing Builder developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user or for all users, as the person installing chooses.
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=briefing-builder-{#AppVersion}-setup
SetupIconFile=build\windows\briefing-builder.ico
UninstallDisplayIcon={app}\{#GuiExe}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "dist\briefing-builder\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Tasks: desktopicon

[Registry]
; Windows knows a file type by its last extension only (".yaml" for "x.briefing.yaml"), so the
; installer does not take over YAML files: it offers the app in "Open with" for them.
Root: HKA; Subkey: "Software\Classes\BriefingBuilder.Briefing"; ValueType: string; ValueName: ""; ValueData: "Briefing"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\BriefingBuilder.Briefing\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#GuiExe},0"
Root: HKA; Subkey: "Software\Classes\BriefingBuilder.Briefing\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#GuiExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.yaml\OpenWithProgids"; ValueType: string; ValueName: "BriefingBuilder.Briefing"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Applications\{#GuiExe}\SupportedTypes"; ValueType: string; ValueName: ".yaml"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
