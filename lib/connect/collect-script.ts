// The Connect server's evidence collector (issue 13): a read-only PowerShell script run on the Microsoft Entra
// Connect server, as its local administrator, with the ADSync module Connect installs. It writes one JSON file in
// the `sspr-writeback-connect/1` format (evidence-schema.ts, docs/connect-evidence.md) that the wizard and
// `verify --connect-evidence` judge. Read-only: it only runs Get-* cmdlets, Test-NetConnection and registry reads;
// it copies no credential, and user names in event messages are cut down to their RDN.
// Served by `sspr-writeback collect-script --connect` and GET /api/connect/collect-script.

import { CONNECT_EVIDENCE_FORMAT } from "./evidence-schema";

export const CONNECT_COLLECT_SCRIPT_VERSION = "1";

// ms-fact: connect-service-bus-endpoints
/**
 * The Service Bus hosts Microsoft names by cloud for the reachability test. For the US Government cloud Microsoft
 * gives only wildcards (*.servicebus.usgovcloudapi.net), so there is no host to probe and the file says so.
 */
export const SERVICE_BUS_PROBES = {
  AzureCloud: [
    "ssprdedicatedsbprodscu.servicebus.windows.net",
    "ssprdedicatedsbprodncu.servicebus.windows.net",
  ],
  AzureUSGovernment: [] as string[],
  AzureChinaCloud: [
    "ssprdedicatedsbmcprodcne.servicebus.chinacloudapi.cn",
    "ssprdedicatedsbmcprodcnn.servicebus.chinacloudapi.cn",
  ],
} as const;

const quoteList = (items: readonly string[]) => items.map((h) => `'${h}'`).join(", ");

const SCRIPT = String.raw`<#
.SYNOPSIS
  Collects what the SSPR Writeback Wizard checks on the Microsoft Entra Connect server into one JSON file
  (format FORMAT). Read-only: it only reads.
.DESCRIPTION
  Run it in an elevated Windows PowerShell on the Connect server (local administrator; the ADSync module that
  Connect installs). It reads: the connectors (Get-ADSyncConnector; of each AD connector only the account it signs
  in with), the password writeback setting of the Entra ID connector (Get-ADSyncAADPasswordResetConfiguration),
  the ADSync service and its version, a summary of the PasswordResetService and ADSync events of the last days
  (count and last time per event id, the newest error messages with distinguished names cut to their first RDN),
  the TLS 1.2 and .NET Framework registry values Microsoft's pages name, whether the Service Bus endpoints answer
  on port 443, whether this server is a domain controller, and the RestrictRemoteSam setting.
  Upload the file it writes on the wizard's Connect step (or pass it to: sspr-writeback verify --connect-evidence).
.PARAMETER Cloud
  AzureCloud (default), AzureUSGovernment or AzureChinaCloud: which Service Bus endpoints to test.
.PARAMETER Days
  How many days of events to summarise (default 7).
.PARAMETER OutFile
  Where to write the JSON (default .\sspr-writeback-connect.json).
#>
[CmdletBinding()]
param(
  [ValidateSet('AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud')]
  [string]$Cloud = 'AzureCloud',
  [ValidateRange(1, 30)]
  [int]$Days = 7,
  [string]$OutFile = '.\sspr-writeback-connect.json'
)
Set-StrictMode -Version 2
$ErrorActionPreference = 'Stop'

function ConvertTo-IsoTime($when) {
  if ($null -eq $when) { return $null }
  # Invariant culture: some cultures write another time separator than ':'.
  return ([datetime]$when).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", [System.Globalization.CultureInfo]::InvariantCulture)
}

function Limit-Dn([string]$text) {
  # Distinguished names in messages are cut to their first RDN ("CN=Megan Bowen,OU=Sales,DC=contoso,DC=com"
  # becomes "CN=Megan Bowen"): the wizard needs the error, not where the user sits in the directory.
  if ($null -eq $text) { return $null }
  $short = $text -replace '((?:CN|OU)=(?:\\,|[^,])+?)(?:,\s*(?:CN|OU|DC)=(?:\\,|[^,])+)+', '$1'
  if ($short.Length -gt 2000) { $short = $short.Substring(0, 2000) }
  return $short
}

$collectedAt = ConvertTo-IsoTime (Get-Date)
$startTime = (Get-Date).AddDays(-$Days)

# The server itself.
$computer = Get-CimInstance -ClassName 'Win32_ComputerSystem'
$restrictRemoteSam = $null
$lsa = Get-ItemProperty -Path 'HKLM:\System\CurrentControlSet\Control\Lsa' -Name 'RestrictRemoteSam' -ErrorAction SilentlyContinue
if ($null -ne $lsa) { $restrictRemoteSam = [string]$lsa.RestrictRemoteSam }

# The ADSync service and the version of its program (the number the Connect version history lists).
$service = $null
$connectVersion = $null
$svc = Get-Service -Name 'ADSync' -ErrorAction SilentlyContinue
if ($null -ne $svc) {
  $service = [ordered]@{ Name = $svc.Name; Status = $svc.Status.ToString(); StartType = $svc.StartType.ToString() }
  $cim = Get-CimInstance -ClassName 'Win32_Service' -Filter "Name='ADSync'"
  if ($null -ne $cim -and $cim.PathName) {
    $program = $cim.PathName.Trim()
    if ($program.StartsWith('"')) { $program = $program.Substring(1, $program.IndexOf('"', 1) - 1) }
    else { $program = $program.Split(' ')[0] }
    if (Test-Path -LiteralPath $program) { $connectVersion = (Get-Item -LiteralPath $program).VersionInfo.ProductVersion }
  }
}

# The connectors and the writeback setting (ADSync module).
$connectors = @()
$passwordReset = $null
try {
  Import-Module ADSync
  $all = @(Get-ADSyncConnector)
  $keep = @('forest-name', 'forest-login-user', 'forest-login-domain')
  foreach ($c in $all) {
    $parameters = @()
    foreach ($p in @($c.ConnectivityParameters)) {
      if ($keep -contains $p.Name) { $parameters += [ordered]@{ Name = $p.Name; Value = [string]$p.Value } }
    }
    $connectors += [ordered]@{ Name = $c.Name; Identifier = [string]$c.Identifier; Type = [string]$c.Type; Subtype = [string]$c.Subtype; ConnectivityParameters = $parameters }
  }
  $entra = @($all | Where-Object { $_.Type -eq 'Extensible2' -and $_.Subtype -like 'Windows Azure Active Directory*' }) | Select-Object -First 1
  if ($null -ne $entra) {
    $configuration = Get-ADSyncAADPasswordResetConfiguration -Connector $entra.Name
    $passwordReset = [ordered]@{ Connector = $entra.Name; Enabled = [bool]$configuration.Enabled }
  } else {
    Write-Warning 'No Microsoft Entra ID connector found (Get-ADSyncConnector): the writeback setting is not recorded.'
  }
} catch {
  Write-Warning "The ADSync module could not be read: $($_.Exception.Message)"
}

# The PasswordResetService and ADSync events of the last days: one line per event id, the newest errors.
$events = @(Get-WinEvent -FilterHashtable @{ LogName = 'Application'; ProviderName = @('PasswordResetService', 'ADSync'); StartTime = $startTime } -ErrorAction SilentlyContinue)
$summary = @()
foreach ($group in @($events | Group-Object -Property 'ProviderName', 'Id')) {
  $newest = $group.Group | Sort-Object -Property 'TimeCreated' -Descending | Select-Object -First 1
  $summary += [ordered]@{ ProviderName = $newest.ProviderName; Id = [int]$newest.Id; Count = [int]$group.Count; LastTime = (ConvertTo-IsoTime $newest.TimeCreated) }
}
$recentErrors = @()
foreach ($e in @($events | Where-Object { $_.Level -ge 1 -and $_.Level -le 3 } | Sort-Object -Property 'TimeCreated' -Descending | Select-Object -First 50)) {
  $recentErrors += [ordered]@{ ProviderName = $e.ProviderName; Id = [int]$e.Id; TimeCreated = (ConvertTo-IsoTime $e.TimeCreated); LevelDisplayName = [string]$e.LevelDisplayName; Message = (Limit-Dn $e.Message) }
}

# TLS 1.2 and .NET Framework, as Microsoft's TLS 1.2 check script reads them (Path, Name, Value).
$tls = @()
$checks = @(
  @('HKLM:\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319', 'SystemDefaultTlsVersions'),
  @('HKLM:\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319', 'SchUseStrongCrypto'),
  @('HKLM:\SOFTWARE\Microsoft\.NETFramework\v4.0.30319', 'SystemDefaultTlsVersions'),
  @('HKLM:\SOFTWARE\Microsoft\.NETFramework\v4.0.30319', 'SchUseStrongCrypto'),
  @('HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server', 'Enabled'),
  @('HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server', 'DisabledByDefault'),
  @('HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client', 'Enabled'),
  @('HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client', 'DisabledByDefault')
)
foreach ($check in $checks) {
  $item = Get-ItemProperty -Path $check[0] -Name $check[1] -ErrorAction SilentlyContinue
  $value = 'Not Found'
  if ($null -ne $item) { $value = [int]$item.($check[1]) }
  $tls += [ordered]@{ Path = $check[0]; Name = $check[1]; Value = $value }
}
$dotNetRelease = $null
$ndp = Get-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full' -Name 'Release' -ErrorAction SilentlyContinue
if ($null -ne $ndp) { $dotNetRelease = [int]$ndp.Release }

# Outbound HTTPS to the Service Bus endpoints Microsoft names for this cloud.
$probes = @{
  AzureCloud = @(PROBES_AzureCloud)
  AzureUSGovernment = @(PROBES_AzureUSGovernment)
  AzureChinaCloud = @(PROBES_AzureChinaCloud)
}
$serviceBus = @()
foreach ($hostName in $probes[$Cloud]) {
  $test = Test-NetConnection -ComputerName $hostName -Port 443 -WarningAction SilentlyContinue
  $serviceBus += [ordered]@{ ComputerName = $hostName; RemotePort = 443; TcpTestSucceeded = [bool]$test.TcpTestSucceeded }
}

$evidence = [ordered]@{
  format = 'FORMAT'
  collectedAt = $collectedAt
  collectorVersion = 'COLLECTOR_VERSION'
  ComputerName = $env:COMPUTERNAME
  DomainRole = [int]$computer.DomainRole
  Cloud = $Cloud
  ConnectVersion = $connectVersion
  Service = $service
  Connectors = $connectors
  PasswordResetConfiguration = $passwordReset
  Events = [ordered]@{ StartTime = (ConvertTo-IsoTime $startTime); Summary = $summary; RecentErrors = $recentErrors }
  Tls12 = $tls
  DotNetRelease = $dotNetRelease
  ServiceBus = $serviceBus
  RestrictRemoteSam = $restrictRemoteSam
}
$json = ConvertTo-Json -InputObject $evidence -Depth 6
$target = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
[System.IO.File]::WriteAllText($target, $json, (New-Object System.Text.UTF8Encoding($false)))
Write-Host "Wrote $target. Upload it on the wizard's Connect step."
`;

/** The Connect server collector script text. */
export function collectConnectScript(): string {
  return SCRIPT.replaceAll("FORMAT", CONNECT_EVIDENCE_FORMAT)
    .replace("COLLECTOR_VERSION", CONNECT_COLLECT_SCRIPT_VERSION)
    .replace("PROBES_AzureCloud", quoteList(SERVICE_BUS_PROBES.AzureCloud))
    .replace("PROBES_AzureUSGovernment", quoteList(SERVICE_BUS_PROBES.AzureUSGovernment))
    .replace("PROBES_AzureChinaCloud", quoteList(SERVICE_BUS_PROBES.AzureChinaCloud));
}
