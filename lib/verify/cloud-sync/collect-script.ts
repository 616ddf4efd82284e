// The provisioning agent collector (`sspr-writeback collect-script --cloud-sync`): run on each server with the
// Microsoft Entra provisioning agent (cloud sync). It writes the format of ./evidence.ts. Read-only: it reads the
// agent's service entry and the version of its executable, nothing else.
//
// What it cannot read: whether password writeback is switched on for cloud sync. Microsoft documents only
// Set-AADCloudSyncPasswordWritebackConfiguration (which changes the setting and needs Entra credentials) and no
// command that reads it, so the file says "not readable here" instead of guessing, and the wizard asks for the
// admin center's On-premises integration page instead.

export const CLOUD_SYNC_COLLECT_SCRIPT_VERSION = "1";

// ms-fact: cloud-sync-agent-version-and-service
const SCRIPT = String.raw`<#
.SYNOPSIS
  Collects the state of the Microsoft Entra provisioning agent (cloud sync) for the SSPR Writeback Wizard into
  one JSON file (format sspr-writeback-cloud-sync/1). Read-only: it only reads.
.DESCRIPTION
  Run it on each server where the provisioning agent is installed, in a PowerShell session of a local
  administrator. It reads the agent's Windows service (state, start mode, the account it runs as, which is
  the gMSA the wizard checks in Active Directory) and the file version of AADConnectProvisioningAgent.exe,
  the version Microsoft's documentation tells you to read from the file's properties.
  Whether password writeback is on for cloud sync is not readable on the server (Microsoft documents no
  command that reads it); the file says so, and the wizard asks about it separately.
.PARAMETER OutFile
  Where to write the JSON (default .\sspr-writeback-cloud-sync.json).
#>
[CmdletBinding()]
param(
  [string]$OutFile = '.\sspr-writeback-cloud-sync.json'
)
Set-StrictMode -Version 2
$ErrorActionPreference = 'Stop'

$serviceName = 'AADConnectProvisioningAgent'
$installDir = Join-Path $env:ProgramFiles 'Microsoft Azure AD Connect Provisioning Agent'
$exe = Join-Path $installDir 'AADConnectProvisioningAgent.exe'

$service = $null
$serviceError = $null
try {
  $s = Get-CimInstance -ClassName 'Win32_Service' -Filter "Name='$serviceName'"
  if ($s) {
    $service = [ordered]@{ name = $s.Name; displayName = $s.DisplayName; state = $s.State; startMode = $s.StartMode; account = $s.StartName; pathName = $s.PathName }
    # The executable the service starts, when it is installed somewhere else than the default folder.
    if ($s.PathName -match '^"([^"]+)"') { $exe = $Matches[1] } elseif ($s.PathName -match '^(\S+\.exe)') { $exe = $Matches[1] }
  }
} catch {
  $serviceError = "$($_.Exception.Message)"
  Write-Warning "The provisioning agent's service could not be read: $serviceError"
}

$installed = Test-Path -LiteralPath $exe
$fileVersion = $null
$productVersion = $null
if ($installed) {
  $info = (Get-Item -LiteralPath $exe).VersionInfo
  $fileVersion = $info.FileVersion
  $productVersion = $info.ProductVersion
}

$evidence = [ordered]@{
  format = 'sspr-writeback-cloud-sync/1'
  collectedAt = (Get-Date).ToUniversalTime().ToString('o')
  collector = 'sspr-writeback collect-script --cloud-sync COLLECTOR_VERSION'
  computerName = $env:COMPUTERNAME
  agent = [ordered]@{
    installed = $installed
    path = $exe
    fileVersion = $fileVersion
    productVersion = $productVersion
    cloudSyncModule = (Test-Path -LiteralPath (Join-Path $installDir 'Microsoft.CloudSync.Powershell.dll'))
  }
  service = $service
  serviceError = $serviceError
  passwordWriteback = [ordered]@{
    enabled = $null
    source = 'not-readable-on-server'
  }
}
$json = $evidence | ConvertTo-Json -Depth 5
$target = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
[System.IO.File]::WriteAllText($target, $json, (New-Object System.Text.UTF8Encoding($false)))
Write-Host "Wrote $target (agent version $fileVersion). Upload it on the wizard's prerequisites step."
`;

/** The provisioning agent collector's text. */
export function cloudSyncCollectScript(): string {
  return SCRIPT.replace("COLLECTOR_VERSION", CLOUD_SYNC_COLLECT_SCRIPT_VERSION);
}
