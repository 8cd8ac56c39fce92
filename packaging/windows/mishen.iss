; Inno Setup script for MiShen on Windows (not built on Windows yet; see README "Windows build").
; Build the bundle on Windows first (`pyinstaller --noconfirm build.spec` in a venv with the same
; pins), then:
;   iscc /DAppVersion=0.1.0 packaging\windows\mishen.iss
; giving dist\mishen-0.1.0-setup.exe. The OCR engine is a component (checked by default): its files
; are the ones scripts/split_ocr.py lists as OCR (rapidocr — only its models are bundled —,
; onnxruntime, numpy…), so a workstation can be installed without it.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z mishen.iss
#endif
#define Bundle "..\..\dist\mishen-" + AppVersion

[Setup]
AppId={{6B3F0D2E-5C1A-4E8B-9D57-3A1F2C4B8E90}
AppName=密审 MiShen
AppVersion={#AppVersion}
AppPublisher=MiShen
DefaultDirName={autopf}\MiShen
DefaultGroupName=密审 MiShen
OutputDir=..\..\dist
OutputBaseFilename=mishen-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
SetupIconFile=..\..\resources\mishen.ico
UninstallDisplayIcon={app}\mishen-gui.exe
; Data (ledger, keys) lives in %LOCALAPPDATA%\MiShen and is never removed by the uninstaller.

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Types]
Name: "full"; Description: "完整安装（含扫描件文字识别）"
Name: "base"; Description: "基本安装（不含文字识别）"

[Components]
Name: "main"; Description: "密审工作站"; Types: full base; Flags: fixed
Name: "ocr"; Description: "扫描件文字识别（OCR，约 110 MB）"; Types: full

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; Flags: unchecked
Name: "addtopath"; Description: "将 mishen 命令加入 PATH"; Flags: unchecked

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Components: main; Flags: recursesubdirs ignoreversion; \
  Excludes: "\_internal\rapidocr*,\_internal\onnxruntime*,\_internal\numpy*"
Source: "{#Bundle}\_internal\rapidocr*"; DestDir: "{app}\_internal"; Components: ocr; Flags: recursesubdirs ignoreversion
Source: "{#Bundle}\_internal\onnxruntime*"; DestDir: "{app}\_internal"; Components: ocr; Flags: recursesubdirs ignoreversion
Source: "{#Bundle}\_internal\numpy*"; DestDir: "{app}\_internal"; Components: ocr; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\密审 MiShen"; Filename: "{app}\mishen-gui.exe"
Name: "{group}\卸载密审"; Filename: "{uninstallexe}"
Name: "{autodesktop}\密审 MiShen"; Filename: "{app}\mishen-gui.exe"; Tasks: desktopicon

[Registry]
Root: HKA; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; \
  Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\mishen-gui.exe"; Description: "启动密审"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): boolean;
var
  Paths: string;
begin
  if not RegQueryStringValue(HKEY_LOCAL_MACHINE, 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Paths) then
    Paths := '';
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;
