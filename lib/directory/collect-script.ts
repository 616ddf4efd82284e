// The PowerShell evidence collector (ARCHITECTURE.md "Modes and connections: Evidence"): run on a domain-joined
// machine with the ActiveDirectory module when this server cannot reach AD DS; it writes the snapshot format
// (snapshot.ts) that the wizard checks with the same code as a live connection. Read-only: it only runs Get-*.

export const COLLECT_SCRIPT_VERSION = "2";

// ms-fact: gzipstream-in-windows-powershell
const SCRIPT = String.raw`<#
.SYNOPSIS
  Collects what the SSPR Writeback Wizard checks in Active Directory into one gzipped JSON file
  (format sspr-writeback-snapshot/2: each distinct permission set is written once and the objects
  refer to it by number, so a domain of 100,000 users fits in a few megabytes). Read-only: it only reads.
.DESCRIPTION
  Run it as any domain user on a domain-joined machine with the ActiveDirectory module (RSAT).
  Upload the file it writes on the wizard's directory step. It reads, for each domain of the forest
  (or the ones given): the domain object's permissions (SDDL) and minPwdAge, the fine-grained password
  policies (reading their settings needs rights that ordinary users lack; run as a Domain Admin to include
  them), the domain controllers and their rootDSE supportedControl, the permissions of every OU and
  container, of every user under the search bases, the connector account and its token groups, and the
  token groups of every account with adminCount=1.
.PARAMETER ConnectorAccount
  The Connect AD DS connector account (DOMAIN\name, name or DN). Default: the only MSOL_ account, else
  the Connect description, else the cloud sync gMSA; the script stops if it finds several.
.PARAMETER SearchBase
  OUs whose users to include. Default: every user of each domain.
.PARAMETER Domain
  DNS names of the domains to read. Default: every domain of the current forest.
.PARAMETER OutFile
  Where to write the file (default .\sspr-writeback-snapshot.json.gz).
.PARAMETER Uncompressed
  Write plain JSON instead of gzip (to read it before uploading; the wizard takes either).
#>
[CmdletBinding()]
param(
  [string]$ConnectorAccount,
  [string[]]$SearchBase = @(),
  [string[]]$Domain = @(),
  [string]$OutFile = '.\sspr-writeback-snapshot.json.gz',
  [switch]$Uncompressed
)
Set-StrictMode -Version 2
$ErrorActionPreference = 'Stop'
Import-Module ActiveDirectory

$sections = [System.Security.AccessControl.AccessControlSections]'Owner, Group, Access'
function Get-Sddl($adObject) {
  if ($null -eq $adObject.nTSecurityDescriptor) { return $null }
  return $adObject.nTSecurityDescriptor.GetSecurityDescriptorSddlForm($sections)
}
# The distinct descriptors, each once (format /2): objects hold an index into this table. Ordinal comparison:
# PowerShell's own hashtables ignore case, and two descriptors differing in case are two descriptors.
$sdTable = New-Object 'System.Collections.Generic.List[string]'
$sdIndex = New-Object 'System.Collections.Generic.Dictionary[string,int]' ([System.StringComparer]::Ordinal)
function Get-SdRef($adObject) {
  $sddl = Get-Sddl $adObject
  if ($null -eq $sddl) { return $null }
  $at = 0
  if ($sdIndex.TryGetValue($sddl, [ref]$at)) { return $at }
  $at = $sdTable.Count
  $sdTable.Add($sddl)
  $sdIndex[$sddl] = $at
  return $at
}
function Get-TokenGroups([string]$dn, [string]$server) {
  # tokenGroups is constructed: it is only returned for one object at a time (a base search).
  $o = Get-ADObject -Identity $dn -Server $server -Properties tokenGroups
  return @($o.tokenGroups | ForEach-Object { $_.Value })
}
function ConvertTo-LdapFilterValue([string]$text) {
  # RFC 4515: a name may hold ( ) which would otherwise end the filter; * would turn it into a wildcard.
  $out = New-Object System.Text.StringBuilder
  foreach ($ch in $text.ToCharArray()) {
    switch ($ch) {
      '\' { [void]$out.Append('\5c') }
      '*' { [void]$out.Append('\2a') }
      '(' { [void]$out.Append('\28') }
      ')' { [void]$out.Append('\29') }
      ([char]0) { [void]$out.Append('\00') }
      default { [void]$out.Append($ch) }
    }
  }
  return $out.ToString()
}
function Find-Connector([string]$server, [string]$domainDn) {
  if ($ConnectorAccount) {
    $name = $ConnectorAccount
    if ($name -like '*\*') { $name = $name.Split('\')[-1] }
    if ($name -like '*=*') { return Get-ADObject -Identity $name -Server $server -Properties 'objectSid', 'sAMAccountName' }
    $value = ConvertTo-LdapFilterValue $name
    $found = @(Get-ADObject -LDAPFilter "(|(sAMAccountName=$value)(sAMAccountName=$value$))" -SearchBase $domainDn -Server $server -Properties 'objectSid', 'sAMAccountName')
    if ($found.Count -eq 1) { return $found[0] }
    return $null
  }
  $filter = '(|(&(objectCategory=person)(objectClass=user)(|(sAMAccountName=MSOL_*)(description=*Active Directory Connect*)(description=*Entra Connect*)))(&(objectClass=msDS-GroupManagedServiceAccount)(sAMAccountName=provAgentgMSA*)))'
  $found = @(Get-ADObject -LDAPFilter $filter -SearchBase $domainDn -Server $server -Properties 'objectSid', 'sAMAccountName')
  if ($found.Count -gt 1) { throw "Several possible connector accounts: $($found.sAMAccountName -join ', '). Run again with -ConnectorAccount (Get-ADSyncADConnectorAccount on the Connect server shows it)." }
  if ($found.Count -eq 1) { return $found[0] }
  return $null
}

$forest = Get-ADForest
if ($Domain.Count -eq 0) { $Domain = @($forest.Domains) }
$connector = $null
$domains = @()
foreach ($dns in $Domain) {
  Write-Progress -Activity 'Collecting' -Status $dns
  $d = Get-ADDomain -Server $dns
  $server = $d.PDCEmulator
  $domainObject = Get-ADObject -Identity $d.DistinguishedName -Server $server -Properties 'nTSecurityDescriptor', 'minPwdAge'
  $rootDse = Get-ADRootDSE -Server $server

  $psos = $null
  try {
    $psos = @(Get-ADFineGrainedPasswordPolicy -Filter * -Server $server | ForEach-Object {
      [ordered]@{ dn = $_.DistinguishedName; minPwdAge = [string](-1 * $_.MinPasswordAge.Ticks); appliesTo = @($_.AppliesTo); precedence = $_.Precedence }
    })
  } catch { Write-Warning "Fine-grained password policies of $dns could not be read: $($_.Exception.Message)" }

  $dcs = @(Get-ADDomainController -Filter * -Server $server | ForEach-Object {
    $controls = $null; $controlsError = $null
    try { $controls = @((Get-ADRootDSE -Server $_.HostName).supportedControl) } catch { $controlsError = "$($_.Exception.Message)"; Write-Warning "rootDSE of $($_.HostName) not readable: $controlsError" }
    [ordered]@{ dn = $_.ComputerObjectDN; dnsHostName = $_.HostName; operatingSystem = $_.OperatingSystem; operatingSystemVersion = $_.OperatingSystemVersion; supportedControl = $controls; supportedControlError = $controlsError }
  })

  $containers = @(Get-ADObject -SearchBase $d.DistinguishedName -Server $server -ResultPageSize 1000 -Properties 'nTSecurityDescriptor', 'objectClass' -LDAPFilter '(|(objectClass=organizationalUnit)(objectClass=container)(objectClass=builtinDomain))' | ForEach-Object {
    [ordered]@{ dn = $_.DistinguishedName; sd = (Get-SdRef $_); objectClass = @($_.objectClass) }
  })

  $bases = @($SearchBase | Where-Object { $_ -like "*$($d.DistinguishedName)" })
  if ($SearchBase.Count -eq 0) { $bases = @($d.DistinguishedName) }
  $users = New-Object System.Collections.Generic.List[object]
  foreach ($base in $bases) {
    Get-ADObject -SearchBase $base -Server $server -ResultPageSize 1000 -LDAPFilter '(&(objectCategory=person)(objectClass=user))' -Properties 'nTSecurityDescriptor', 'objectClass', 'objectSid', 'userAccountControl', 'adminCount' | ForEach-Object {
      $u = [ordered]@{ dn = $_.DistinguishedName; sid = $_.objectSid.Value; sd = (Get-SdRef $_); objectClass = @($_.objectClass); userAccountControl = $_.userAccountControl; adminCount = $_.adminCount; tokenGroups = $null }
      if ($_.adminCount -eq 1) { $u.tokenGroups = Get-TokenGroups $_.DistinguishedName $server }
      $users.Add($u)
    }
  }

  $samServer = $null
  try { $samServer = [ordered]@{ sd = (Get-Sddl (Get-ADObject -Identity "CN=Server,CN=System,$($d.DistinguishedName)" -Server $server -Properties nTSecurityDescriptor)) } } catch { }
  $preWin2000 = $null
  try {
    $preWin2000 = @((Get-ADGroup -Identity 'S-1-5-32-554' -Server $server -Properties member).member | ForEach-Object {
      if ($_ -match '^CN=(S-1-[0-9-]+),CN=ForeignSecurityPrincipals,') { $Matches[1] } else { (Get-ADObject -Identity $_ -Server $server -Properties objectSid).objectSid.Value }
    })
  } catch { }

  if ($null -eq $connector) {
    $c = Find-Connector $server $d.DistinguishedName
    if ($c) {
      $connector = [ordered]@{ name = "$($d.NetBIOSName)\$($c.sAMAccountName)"; dn = $c.DistinguishedName; sid = $c.objectSid.Value; objectClass = @($c.ObjectClass); tokenGroups = (Get-TokenGroups $c.DistinguishedName $server) }
    }
  }

  $domains += [ordered]@{
    dn = $d.DistinguishedName; dnsName = $d.DNSRoot; netbiosName = $d.NetBIOSName; sid = $d.DomainSID.Value
    sd = (Get-Sddl $domainObject); minPwdAge = [string]$domainObject.minPwdAge
    passwordSettingsObjects = $psos
    rootDse = [ordered]@{ supportedControl = @($rootDse.supportedControl) }
    domainControllers = $dcs; containers = $containers; users = $users.ToArray()
    samServer = $samServer; preWindows2000Members = $preWin2000
  }
}

# The table comes before the domains: the wizard reads the file as it arrives and resolves each index at once.
$snapshot = [ordered]@{
  format = 'sspr-writeback-snapshot/2'
  collectedAt = (Get-Date).ToUniversalTime().ToString('o')
  collector = 'sspr-writeback collect-script COLLECTOR_VERSION'
  connector = $connector
  sds = $sdTable.ToArray()
  domains = $domains
}
$json = $snapshot | ConvertTo-Json -Depth 8 -Compress
if ($Uncompressed -and $OutFile -like '*.gz') { $OutFile = $OutFile.Substring(0, $OutFile.Length - 3) }
$target = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
$bytes = (New-Object System.Text.UTF8Encoding($false)).GetBytes($json)
$file = [System.IO.File]::Create($target)
try {
  if ($Uncompressed) {
    $file.Write($bytes, 0, $bytes.Length)
  } else {
    # GZipStream is part of .NET Framework 4.5 (Windows PowerShell 5.1) and of .NET (PowerShell 7).
    $gzip = New-Object System.IO.Compression.GZipStream($file, [System.IO.Compression.CompressionMode]::Compress)
    try { $gzip.Write($bytes, 0, $bytes.Length) } finally { $gzip.Dispose() }
  }
} finally { $file.Dispose() }
Write-Host "Wrote $target ($($domains.Count) domain(s), $($sdTable.Count) distinct permission sets). Upload it on the wizard's directory step."
`;

/** The collector script text. */
export function collectScript(): string {
  return SCRIPT.replace("COLLECTOR_VERSION", COLLECT_SCRIPT_VERSION);
}
