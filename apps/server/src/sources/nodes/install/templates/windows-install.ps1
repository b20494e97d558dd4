# Installs an Ithiltir node on Windows, reporting to Pharos at {{PUBLIC_URL_TEXT}}
# In an elevated PowerShell (Run as administrator):
#   & ([scriptblock]::Create((Invoke-RestMethod '{{PUBLIC_URL_TEXT}}/deploy/windows/install.ps1'))) <host> [port] <secret> [interval] [--net LIST]
#
#   <host> [port]    where the node reports: <scheme>://<host>:<port><path>/api/node/metrics, with
#                    Pharos's scheme and path; the port defaults to the public URL's
#   <secret>         the node's secret (Pharos shows it once: when the node is created or its
#                    secret rotated)
#   [interval]       seconds between reports (default 3)
#   --net LIST       the network interfaces to report (the node's own option)
#   --require-https  the node refuses plain HTTP (its own option; an http Pharos is refused here)
#   --dry-run        download and check the build, print what would be installed, change nothing
#
# It downloads the node build Pharos holds for this machine (an uploaded windows release: the
# version the node's release target names, else the newest), checks its SHA-256, installs it as
# %ProgramData%\Ithiltir-node\releases\<version>\ithiltir-node.exe, registers the target with
# `ithiltir-node report install` (report.yaml in %ProgramData%\Ithiltir-node), and registers the
# scheduled task "Ithiltir node" that runs `ithiltir-node push <interval>` as SYSTEM at start-up
# and restarts it when it stops. Self-update needs the node's Windows runner, which Pharos does not
# serve: update by running this again.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$PharosUrl = {{PUBLIC_URL}}
$PharosScheme = {{PUBLIC_SCHEME}}
$PharosPort = {{PUBLIC_PORT}}
$PharosPath = {{PUBLIC_PATH}}
$NodeHome = Join-Path $env:ProgramData 'Ithiltir-node'
$TaskName = 'Ithiltir node'

function Fail([string] $Message) {
  Write-Error "ithiltir-node install: $Message" -ErrorAction Continue
  throw "ithiltir-node install: $Message"
}

function Test-InRange([string] $Value, [int] $Min, [int] $Max) {
  if ($Value -notmatch '^[0-9]{1,9}$') { return $false }
  $number = [int] $Value
  return ($number -ge $Min -and $number -le $Max)
}

# The arguments (docs/protocols/ithiltir-node.md §7): <host> [port] <secret> [interval] [--net …].
$Net = ''
$RequireHttps = $false
$DryRun = $false
$Positional = @()
for ($i = 0; $i -lt $args.Count; $i++) {
  $arg = [string] $args[$i]
  # Every clause whose pattern matches runs: each ends with break, so '^-' catches only the rest.
  switch -Regex ($arg) {
    '^--net$' {
      if ($i + 1 -ge $args.Count) { Fail '--net needs a value' }
      $i++
      $Net = [string] $args[$i]
      break
    }
    '^--net=' { $Net = $arg.Substring(6); break }
    '^--require-https$' { $RequireHttps = $true; break }
    '^--dry-run$' { $DryRun = $true; break }
    '^-' { Fail "unknown option $arg" }
    default { $Positional += $arg }
  }
}

$DashHost = ''
$Port = $PharosPort
$Secret = ''
$Interval = '3'
switch ($Positional.Count) {
  2 { $DashHost = $Positional[0]; $Secret = $Positional[1] }
  3 {
    $DashHost = $Positional[0]
    if ($Positional[1] -match '^[0-9]+$') { $Port = $Positional[1]; $Secret = $Positional[2] }
    else { $Secret = $Positional[1]; $Interval = $Positional[2] }
  }
  4 { $DashHost = $Positional[0]; $Port = $Positional[1]; $Secret = $Positional[2]; $Interval = $Positional[3] }
  default { Fail 'usage: <host> [port] <secret> [interval] [--net LIST] [--require-https] [--dry-run]' }
}

if ($DashHost -notmatch '^[A-Za-z0-9.:\[\]-]+$') { Fail "the host may hold letters, digits, '.', '-', ':' and brackets only, got '$DashHost'" }
$DashHost = $DashHost.TrimStart('[').TrimEnd(']')
if (-not (Test-InRange $Port 1 65535)) { Fail "the port must be a number from 1 to 65535, got '$Port'" }
if ($Secret -notmatch '^[A-Za-z0-9_-]+$') { Fail "give the node's secret (Pharos shows it when the node is created or its secret rotated)" }
if (-not (Test-InRange $Interval 1 3600)) { Fail "the interval must be a number of seconds from 1 to 3600, got '$Interval'" }
if ($Net -notmatch '^[A-Za-z0-9_.:@, -]*$') { Fail "--net takes interface names separated by commas, got '$Net'" }
if ($RequireHttps -and $PharosScheme -ne 'https') { Fail "--require-https, but Pharos is served over $PharosScheme ($PharosUrl)" }
if ($DashHost.Contains(':')) { $ReportHost = "[$DashHost]" } else { $ReportHost = $DashHost }
$ReportUrl = "${PharosScheme}://${ReportHost}:${Port}${PharosPath}/api/node/metrics"

switch ($env:PROCESSOR_ARCHITECTURE) {
  'AMD64' { $Arch = 'amd64' }
  'ARM64' { $Arch = 'arm64' }
  'x86' { $Arch = '386' }
  default { Fail "no node build for this architecture ($($env:PROCESSOR_ARCHITECTURE))" }
}

if (-not $DryRun) {
  $principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
  if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) { Fail 'run it in an elevated PowerShell (Run as administrator)' }
}

# Download with the node's secret; no redirects are followed, so the secret goes to Pharos only.
[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
$Work = Join-Path ([IO.Path]::GetTempPath()) ('ithiltir-node-' + [Guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $Work | Out-Null
try {
  $Download = Join-Path $Work 'ithiltir-node.exe'
  $AssetUrl = "$PharosUrl/deploy/windows/node_windows_$Arch.exe"
  Write-Host "Downloading the node for windows/$Arch from $AssetUrl"
  try {
    $reply = Invoke-WebRequest -Uri $AssetUrl -Headers @{ 'X-Node-Secret' = $Secret } -MaximumRedirection 0 -UseBasicParsing -OutFile $Download -PassThru
  } catch {
    Fail "Pharos refused the download ($($_.Exception.Message))"
  }
  $Version = [string] ($reply.Headers['X-Ithiltir-Node-Version'] | Select-Object -First 1)
  $Sha256 = [string] ($reply.Headers['X-Ithiltir-Node-Sha256'] | Select-Object -First 1)
  if ($Version -notmatch '^[0-9A-Za-z][0-9A-Za-z.+_-]*$') { Fail "Pharos named no usable version for the build ('$Version')" }
  $Actual = (Get-FileHash -Algorithm SHA256 -Path $Download).Hash.ToLowerInvariant()
  if ($Actual -ne $Sha256.ToLowerInvariant()) { Fail "the download's SHA-256 is $Actual, Pharos said $Sha256" }

  $Release = Join-Path $NodeHome "releases\$Version"
  $Binary = Join-Path $Release 'ithiltir-node.exe'
  $PushArgs = "push $Interval"
  if ($Net) { $PushArgs += " --net $Net" }
  if ($RequireHttps) { $PushArgs += ' --require-https' }

  if ($DryRun) {
    Write-Host 'Dry run: nothing was changed. The install would:'
    Write-Host "  install version $Version (sha256 $Sha256) as $Binary"
    Write-Host "  run: ithiltir-node report install $ReportUrl <secret>"
    Write-Host "  register the scheduled task '$TaskName': $Binary $PushArgs (SYSTEM, at start-up, restarted when it stops)"
    return
  }

  if (Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue) {
    Stop-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue
    Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false
  }
  Get-Process -Name 'ithiltir-node' -ErrorAction SilentlyContinue | Where-Object { $_.Path -like "$NodeHome*" } | Stop-Process -Force
  Write-Host "Installing ithiltir-node $Version"
  New-Item -ItemType Directory -Force -Path $Release | Out-Null
  Copy-Item -Force -Path $Download -Destination $Binary

  & $Binary report install $ReportUrl $Secret
  if ($LASTEXITCODE -ne 0) { Fail "ithiltir-node report install $ReportUrl failed (is the host reachable from here, and the secret current?)" }

  $action = New-ScheduledTaskAction -Execute $Binary -Argument $PushArgs -WorkingDirectory $NodeHome
  $trigger = New-ScheduledTaskTrigger -AtStartup
  $settings = New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1)
  $principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
  Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger -Settings $settings -Principal $principal -Description "Ithiltir node reporting to Pharos at $PharosUrl" | Out-Null
  Start-ScheduledTask -TaskName $TaskName
  Write-Host "ithiltir-node $Version is running (Get-ScheduledTask -TaskName '$TaskName')."
  Write-Host "It shows as online in Pharos once its first report has arrived: $PharosUrl"
} finally {
  Remove-Item -Recurse -Force -Path $Work -ErrorAction SilentlyContinue
}
