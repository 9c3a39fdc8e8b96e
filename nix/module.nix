# NixOS module `services.requestTrackerUtils`: runs the request-tracker-utils web service
# under systemd, hardened, as its own system user.
#
# Every setting reaches the process as the environment variable that
# `rtutils_web.settings.Settings.from_env` reads (the names are a contract, see the
# `VARIABLES` table in rtutils_web/variables.py); the secrets (RT_TOKEN, SECRET_KEY, RTUTILS_API_TOKENS, STORE_PASSWORD)
# come only from `secretsFile`, which systemd reads as root, so they never enter the
# world-readable Nix store. tests/nix evaluates this module offline and keeps both sides
# of the contract equal. The runbook is docs/deployment/nixos.md.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  inherit (lib)
    concatStringsSep
    hasPrefix
    literalExpression
    mapAttrsToList
    mkEnableOption
    mkIf
    mkOption
    removePrefix
    types
    ;

  cfg = config.services.requestTrackerUtils;

  # systemd creates and chowns state directories below /var/lib itself (StateDirectory=);
  # any other working directory is created by tmpfiles.
  usesStateDirectory = hasPrefix "/var/lib/" cfg.workingDirectory;

  # With createLocalDatabase: the local server's socket, its database and role named after
  # the service user, who signs in by peer authentication (no password anywhere).
  localStoreUrl = "postgresql:///${cfg.user}?host=/run/postgresql";
  storeUrl = if cfg.createLocalDatabase then localStoreUrl else cfg.storeUrl;
  databaseUnits = lib.optional cfg.createLocalDatabase "postgresql.service";

  # Numbers are written the way Python parses them back: 5000, 90.3 (toString would give
  # 90.300000 for a float).
  number = builtins.toJSON;

  # One entry per variable that Settings.from_env reads, except the secrets.
  environment = {
    RTUTILS_BACKEND = cfg.backend;
    RT_URL = cfg.rtUrl;
    API_ENDPOINT = cfg.apiEndpoint;
    RT_CONNECT_TIMEOUT = number cfg.rtConnectTimeout;
    RT_READ_TIMEOUT = number cfg.rtReadTimeout;
    RT_CACHE_SECONDS = number cfg.rtCacheSeconds;
    RT_SESSIONS = cfg.rtSessions;
    PREFIX = cfg.prefix;
    TAG_DIGITS = number cfg.tagDigits;
    EXTRA_PREFIXES = concatStringsSep "," cfg.extraPrefixes;
    PADDING = number cfg.padding;
    LABEL_WIDTH_MM = number cfg.labelWidthMm;
    LABEL_HEIGHT_MM = number cfg.labelHeightMm;
    ORGANISATION = cfg.organisation;
    QR_TARGET = cfg.qrTarget;
    PUBLIC_URL = if cfg.publicUrl == null then "" else cfg.publicUrl;
    TRUSTED_HOSTS = concatStringsSep "," cfg.trustedHosts;
    TEMPLATE_BY_TYPE = concatStringsSep "," (
      mapAttrsToList (type: template: "${type}=${template}") cfg.templateByType
    );
    MAX_BATCH = number cfg.maxBatch;
    LOAN_ROLE = cfg.loanRole;
    CHECKOUT_STATUS = cfg.checkoutStatus;
    CHECKIN_STATUS = cfg.checkinStatus;
    REPAIR_QUEUE = cfg.repairQueue;
    DAMAGES = concatStringsSep "," cfg.damages;
    PRINTERS = cfg.printers;
    HOST = cfg.host;
    PORT = number cfg.port;
    THREADS = number cfg.threads;
    TRUSTED_PROXIES = cfg.trustedProxies;
    WORKING_DIR = cfg.workingDirectory;
    LOG_FORMAT = cfg.logFormat;
    LOG_LEVEL = cfg.logLevel;
    STORE_URL = storeUrl;
    PREFIX_BY_CATALOG = concatStringsSep "," (
      mapAttrsToList (catalog: prefix: "${catalog}=${prefix}") cfg.prefixByCatalog
    );
    GOOGLE_SERVICE_ACCOUNT_FILE =
      if cfg.googleServiceAccountFile == null then "" else cfg.googleServiceAccountFile;
    GOOGLE_ADMIN_SUBJECT = cfg.googleAdminSubject;
    GOOGLE_CUSTOMER_ID = cfg.googleCustomerId;
    GOOGLE_API_URL = cfg.googleApiUrl;
    GOOGLE_TOKEN_URL = cfg.googleTokenUrl;
    GOOGLE_SYNC_CATALOG = cfg.googleSyncCatalog;
    GOOGLE_SYNC_DIRECTIONS = concatStringsSep "," (
      mapAttrsToList (field: direction: "${field}=${direction}") cfg.googleSyncDirections
    );
    JOBS_QUEUE = cfg.jobsQueue;
    JOBS_WORKER = cfg.jobsWorker;
    AUTOTAG_INTERVAL = number cfg.autotagInterval;
    AUTOTAG_CATALOGS = concatStringsSep "," cfg.autotagCatalogs;
    AUTOTAG_PRINTER = cfg.autotagPrinter;
    SERIAL_PATTERN = cfg.serialPattern;
    IMPORT_CONCURRENCY = number cfg.importConcurrency;
    JOBS_LEASE = number cfg.jobsLease;
    OUTBOX_WARN_AGE = number cfg.outboxWarnAge;
    OUTBOX_REPLAY_INTERVAL = number cfg.outboxReplayInterval;
    ROSTER_COLUMNS = concatStringsSep "," (
      mapAttrsToList (field: header: "${field}=${header}") cfg.rosterColumns
    );
    RETURNS_CATALOG = cfg.returnsCatalog;
    STUDENT_ID_FIELD = cfg.studentIdField;
    GRADUATION_YEAR_FIELD = cfg.graduationYearField;
    USER_FIELDS_RATE = cfg.userFieldsRate;
    AUDIT_OVERDUE_DAYS = number cfg.auditOverdueDays;
    AUDIT_LOST_STATUS = cfg.auditLostStatus;
    AUDIT_QUEUE = cfg.auditQueue;
    AUDIT_WRITE_RATE = cfg.auditWriteRate;
    DUE_SOON_DAYS = number cfg.dueSoonDays;
    SMTP_URL = cfg.smtpUrl;
    MAIL_FROM = cfg.mailFrom;
    MAIL_REPLY_TO = cfg.mailReplyTo;
    MAIL_TEMPLATES_DIR = if cfg.mailTemplatesDir == null then "" else cfg.mailTemplatesDir;
    MAIL_RATE = cfg.mailRate;
    NOTICES = concatStringsSep "," cfg.notices;
    NOTICE_REMIND_DAYS = number cfg.noticeRemindDays;
    NOTICE_REPEAT_DAYS = number cfg.noticeRepeatDays;
    NOTICES_AT = cfg.noticesAt;
    SCHOOL_ADDRESS = cfg.schoolAddress;
  };

  googleSync = cfg.googleSyncSchedule != null;
  dueNotices = cfg.dueNoticesSchedule != null;

  # Shared by the web service and the one-shot tags-sync unit: same user, same
  # environment, same sandbox.
  serviceConfig = {
    User = cfg.user;
    Group = cfg.group;
    EnvironmentFile = cfg.secretsFile;
    WorkingDirectory = cfg.workingDirectory;
    StateDirectory = mkIf usesStateDirectory (removePrefix "/var/lib/" cfg.workingDirectory);
    StateDirectoryMode = mkIf usesStateDirectory "0700";
    UMask = "0077";

    # Hardening. The service only needs to talk TCP (HTTP clients, RT) and write its
    # working directory.
    NoNewPrivileges = true;
    ProtectSystem = "strict";
    ProtectHome = true;
    PrivateTmp = true;
    PrivateDevices = true;
    ProtectKernelTunables = true;
    ProtectKernelModules = true;
    ProtectKernelLogs = true;
    ProtectControlGroups = true;
    ProtectClock = true;
    ProtectHostname = true;
    ProtectProc = "invisible";
    RestrictAddressFamilies = [
      "AF_INET"
      "AF_INET6"
      "AF_UNIX"
    ];
    RestrictNamespaces = true;
    RestrictRealtime = true;
    RestrictSUIDSGID = true;
    RemoveIPC = true;
    LockPersonality = true;
    SystemCallArchitectures = "native";
    SystemCallFilter = [ "@system-service" ];
    SystemCallErrorNumber = "EPERM";
    CapabilityBoundingSet = "";
    AmbientCapabilities = "";
    ReadWritePaths = [ cfg.workingDirectory ];
  };

  isStorePath = path: hasPrefix "/nix/store/" (toString path);
  hasSeparator = text: lib.hasInfix "," text || lib.hasInfix "=" text;
in
{
  options.services.requestTrackerUtils = {
    enable = mkEnableOption "the request-tracker-utils web service (asset tags and labels for Request Tracker 5)";

    package = mkOption {
      type = types.package;
      default = pkgs.python3Packages.callPackage ./package.nix { };
      defaultText = literalExpression "pkgs.python3Packages.callPackage ./package.nix { } (the flake's module uses the flake's package)";
      description = "The request-tracker-utils package whose `bin/request-tracker-utils` is run.";
    };

    host = mkOption {
      type = types.str;
      default = "127.0.0.1";
      description = "Address the web server listens on (`HOST`). Keep the default behind a reverse proxy; `0.0.0.0` listens on every address.";
    };

    trustedProxies = mkOption {
      type = types.str;
      default = "0";
      example = "127.0.0.1";
      description = ''
        Reverse proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`): a number of
        proxies in a row, or their addresses and networks. The client behind them is then
        the address that failed sign-ins are counted against and that the logs show; `"0"`
        believes nobody. With nginx on the same machine in front, `"127.0.0.1"`.
      '';
    };

    port = mkOption {
      type = types.port;
      default = 5000;
      description = "TCP port the web server listens on (`PORT`). Must be 1024 or above: the service has no capabilities.";
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = "Whether to open `port` in the NixOS firewall (only useful with a `host` other than 127.0.0.1).";
    };

    secretsFile = mkOption {
      type = types.path;
      default = "/etc/request-tracker-utils/secrets.env";
      description = ''
        Environment file with the secrets `RT_TOKEN`, `SECRET_KEY`, `RTUTILS_API_TOKENS` and
        (for a PostgreSQL store that asks for one) `STORE_PASSWORD` (systemd
        `EnvironmentFile=`, read by systemd as root: keep it `root:root` mode `0400`). Give it
        as a string, never as a Nix path, so that it is not copied into the world-readable
        Nix store. The file must exist before the service starts.
      '';
    };

    workingDirectory = mkOption {
      type = types.path;
      default = "/var/lib/request-tracker-utils";
      description = ''
        State directory: the tag database and anything else the service keeps (`WORKING_DIR`).
        Below /var/lib it is systemd's `StateDirectory=`; elsewhere it is created by tmpfiles.
        Either way it is owned by `user`, mode 0700, and it is the only path the service may write.
      '';
    };

    user = mkOption {
      type = types.str;
      default = "rtutils";
      description = "System user the service runs as; the module creates it.";
    };

    group = mkOption {
      type = types.str;
      default = "rtutils";
      description = "Group of the service user; the module creates it.";
    };

    backend = mkOption {
      type = types.enum [
        "rt"
        "demo"
      ];
      default = "rt";
      description = "Ticket backend (`RTUTILS_BACKEND`): `rt` is Request Tracker; `demo` serves built-in sample data and needs no secrets.";
    };

    rtUrl = mkOption {
      type = types.str;
      default = "https://tickets.wc-12.com";
      description = "Base URL of Request Tracker, without a trailing path (`RT_URL`).";
    };

    apiEndpoint = mkOption {
      type = types.str;
      default = "/REST/2.0";
      description = "Path of RT's REST 2.0 API below `rtUrl` (`API_ENDPOINT`).";
    };

    rtConnectTimeout = mkOption {
      type = types.numbers.between 0.1 300;
      default = 5;
      description = "Seconds to wait for a connection to RT (`RT_CONNECT_TIMEOUT`).";
    };

    rtReadTimeout = mkOption {
      type = types.numbers.between 0.1 600;
      default = 30;
      description = "Seconds to wait for RT to answer (`RT_READ_TIMEOUT`).";
    };

    rtCacheSeconds = mkOption {
      type = types.numbers.between 0 86400;
      default = 300;
      description = "How long catalog and custom-field metadata from RT is cached, in seconds (`RT_CACHE_SECONDS`).";
    };

    rtSessions = mkOption {
      type = types.enum [
        "on"
        "off"
      ];
      default = "on";
      description = "Sign in to RT once per session and send its cookie (`on`), or send the token with every request (`off`: RTs behind single sign-on or a proxy that strips cookies) (`RT_SESSIONS`).";
    };

    prefix = mkOption {
      type = types.str;
      default = "W12-";
      description = "Prefix of new asset tags, as in W12-00001 (`PREFIX`).";
    };

    tagDigits = mkOption {
      type = types.ints.between 1 12;
      default = 5;
      description = "Zero-padded digits after the prefix: 5 gives W12-00001 (`TAG_DIGITS`).";
    };

    extraPrefixes = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "TEST-" ];
      description = "More tag prefixes, each with its own sequence, e.g. a `TEST-` sandbox (`EXTRA_PREFIXES`).";
    };

    padding = mkOption {
      type = types.numbers.between 0 20;
      default = 4;
      description = "Label padding in millimetres (`PADDING`).";
    };

    labelWidthMm = mkOption {
      type = types.numbers.between 10 300;
      default = 100;
      description = "Width of the default label template in millimetres (`LABEL_WIDTH_MM`); 100 x 62 mm is 62 mm continuous tape.";
    };

    labelHeightMm = mkOption {
      type = types.numbers.between 10 300;
      default = 62;
      description = "Height of the default label template in millimetres (`LABEL_HEIGHT_MM`).";
    };

    organisation = mkOption {
      type = types.str;
      default = "";
      example = "Westfield School District IT";
      description = "Organisation line printed on labels; empty prints none (`ORGANISATION`).";
    };

    qrTarget = mkOption {
      type = types.enum [
        "rt"
        "service"
      ];
      default = "rt";
      description = "Whether a label's QR code opens the asset in RT (`rt`) or a short URL of this service (`service`, needs `publicUrl`) (`QR_TARGET`).";
    };

    publicUrl = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "https://labels.example.org";
      description = "Public base URL of this service, as users reach it (`PUBLIC_URL`); required when `qrTarget` is `service`.";
    };

    trustedHosts = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "labels.example.org" ];
      description = "Host names this service answers to; requests naming another `Host` get 400, `.example.org` allows its subdomains; empty allows any (`TRUSTED_HOSTS`).";
    };

    templateByType = mkOption {
      type = types.attrsOf types.str;
      default = {
        Charger = "small";
        "Power Adapter" = "small";
      };
      description = "Label template chosen by an asset's `Type` custom field (`TEMPLATE_BY_TYPE`); other assets get the default template.";
    };

    maxBatch = mkOption {
      type = types.ints.between 1 100000;
      default = 2000;
      description = "Most labels in one batch request (`MAX_BATCH`).";
    };

    loanRole = mkOption {
      type = types.enum [ "Owner" "HeldBy" ];
      default = "Owner";
      description = "Asset role that says who holds a device at the loan desk (`LOAN_ROLE`).";
    };

    checkoutStatus = mkOption {
      type = types.str;
      default = "in-use";
      description = "Asset status a device gets when it is checked out (`CHECKOUT_STATUS`).";
    };

    checkinStatus = mkOption {
      type = types.str;
      default = "allocated";
      description = "Asset status a device gets when it is checked in (`CHECKIN_STATUS`).";
    };

    repairQueue = mkOption {
      type = types.str;
      default = "Device Repair";
      description = "RT queue of the repair tickets opened at check-in (`REPAIR_QUEUE`).";
    };

    damages = mkOption {
      type = types.listOf types.str;
      default = [ "broken screen" "missing charger" "keyboard" "trackpad" "battery" "case or hinge" "liquid" ];
      description = "Damages a returned device may be marked with (`DAMAGES`); names may not contain ','.";
    };

    printers = mkOption {
      type = types.str;
      default = "";
      example = "desk=brother-ql,tcp://10.20.0.15:9100,QL-820NWB,62; office=cups,Brother_QL,QL-820NWB,29x90";
      description = "Label printers, 'name=kind,address,model,media' separated by ';' (`PRINTERS`).";
    };

    threads = mkOption {
      type = types.ints.between 1 256;
      default = 8;
      description = "Worker threads of the web server (waitress) (`THREADS`).";
    };

    logFormat = mkOption {
      type = types.enum [
        "json"
        "console"
      ];
      default = "json";
      description = "Log format on stdout, collected by the journal (`LOG_FORMAT`): one JSON object per line, or `console` for people.";
    };

    logLevel = mkOption {
      type = types.enum [
        "DEBUG"
        "INFO"
        "WARNING"
        "ERROR"
        "CRITICAL"
      ];
      default = "INFO";
      description = "Lowest level that is logged (`LOG_LEVEL`).";
    };

    storeUrl = mkOption {
      type = types.str;
      default = "";
      example = "postgresql://rtutils@db.example.org/rtutils";
      description = ''
        PostgreSQL database of the stores shared by several instances (`STORE_URL`): tags,
        loan log, intake, job state, print jobs; empty keeps them in SQLite in
        `workingDirectory`. A password, if the user needs one,
        goes into `secretsFile` as `STORE_PASSWORD`, never into this URL.
      '';
    };

    prefixByCatalog = mkOption {
      type = types.attrsOf types.str;
      default = { };
      example = literalExpression ''{ "Staff Laptops" = "STF-"; "Student Devices" = "W12-"; }'';
      description = "Tag prefix chosen by an asset's catalog (`PREFIX_BY_CATALOG`); each has its own sequence, and other catalogs get `prefix`.";
    };

    createLocalDatabase = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Keep the stores in a PostgreSQL on this machine (`services.postgresql`): a database
        and a role named after `user` are ensured, and the service signs in over the local
        socket by peer authentication, without a password. Sets `STORE_URL` to
        `postgresql:///<user>?host=/run/postgresql`; leave `storeUrl` empty then.
      '';
    };

    googleServiceAccountFile = mkOption {
      type = types.nullOr types.str;
      default = null;
      description = "Service-account key file (JSON) of the Google sync (`GOOGLE_SERVICE_ACCOUNT_FILE`): an absolute path as a string, outside the Nix store, readable by the service's user.";
    };

    googleAdminSubject = mkOption {
      type = types.str;
      default = "";
      description = "E-mail address of the Google Workspace admin the service account acts as (`GOOGLE_ADMIN_SUBJECT`).";
    };

    googleCustomerId = mkOption {
      type = types.str;
      default = "my_customer";
      description = "Google Workspace customer id (`GOOGLE_CUSTOMER_ID`); `my_customer` is the admin's own account.";
    };

    googleApiUrl = mkOption {
      type = types.str;
      default = "https://admin.googleapis.com";
      description = "Base URL of the Admin SDK Directory API (`GOOGLE_API_URL`).";
    };

    googleTokenUrl = mkOption {
      type = types.str;
      default = "https://oauth2.googleapis.com/token";
      description = "Google's OAuth token endpoint (`GOOGLE_TOKEN_URL`).";
    };

    googleSyncCatalog = mkOption {
      type = types.str;
      default = "Student Devices";
      description = "RT catalog whose assets the Google sync matches to Chrome OS devices (`GOOGLE_SYNC_CATALOG`).";
    };

    googleSyncDirections = mkOption {
      type = types.attrsOf (
        types.enum [
          "to-google"
          "to-rt"
          "off"
        ]
      );
      default = { };
      example = literalExpression ''{ location = "to-rt"; notes = "off"; }'';
      description = "Google sync fields whose direction differs from the default (`GOOGLE_SYNC_DIRECTIONS`); see docs/google.md.";
    };

    googleSyncSchedule = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "*-*-* 02:30:00";
      description = "When the Google sync runs (a systemd `OnCalendar=` expression, e.g. nightly); null: no timer.";
    };

    jobsQueue = mkOption {
      type = types.enum [
        "sqlite"
        "redis"
      ];
      default = "sqlite";
      description = "Queue of the background jobs (`JOBS_QUEUE`): `sqlite` in the working directory, or `redis` at `JOBS_REDIS_URL` from `secretsFile` when several instances run.";
    };

    jobsWorker = mkOption {
      type = types.enum [
        "inside"
        "separate"
      ];
      default = "inside";
      description = "Run background jobs inside the web service, or in their own unit `request-tracker-utils-worker` (`JOBS_WORKER`).";
    };

    autotagInterval = mkOption {
      type = types.ints.between 0 86400;
      default = 0;
      description = "Seconds between automatic tag runs over `autotagCatalogs`; 0 is off (`AUTOTAG_INTERVAL`).";
    };

    autotagCatalogs = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "RT catalogs whose assets without a tag get one automatically (`AUTOTAG_CATALOGS`).";
    };

    autotagPrinter = mkOption {
      type = types.str;
      default = "";
      description = "Printer for the labels of automatically tagged assets; none if empty (`AUTOTAG_PRINTER`).";
    };

    serialPattern = mkOption {
      type = types.str;
      default = "";
      description = "Regular expression every new device's serial number must match in full; any if empty (`SERIAL_PATTERN`).";
    };

    importConcurrency = mkOption {
      type = types.ints.between 1 16;
      default = 4;
      description = "Devices a CSV import creates in RT at the same time (`IMPORT_CONCURRENCY`).";
    };

    jobsLease = mkOption {
      type = types.ints.between 2 3600;
      default = 30;
      description = "Seconds without a sign of life after which a job's worker counts as lost and the job is resumed or failed (`JOBS_LEASE`).";
    };

    outboxWarnAge = mkOption {
      type = types.ints.between 1 604800;
      default = 900;
      description = "Seconds the oldest desk operation may wait in the outbox before /healthz warns (`OUTBOX_WARN_AGE`); see docs/outbox.md.";
    };

    outboxReplayInterval = mkOption {
      type = types.numbers.between 0.5 3600;
      default = 5;
      description = "Seconds between checks whether the outbox has operations to replay to RT (`OUTBOX_REPLAY_INTERVAL`).";
    };

    rosterColumns = mkOption {
      type = types.attrsOf types.str;
      default = { };
      example = literalExpression ''{ student_id = "Student Number"; grade = "Grade Level"; }'';
      description = "Roster CSV headers that differ from the field names (`ROSTER_COLUMNS`); see docs/students.md.";
    };

    returnsCatalog = mkOption {
      type = types.str;
      default = "Student Devices";
      description = "RT catalog of the devices students hand back at the end of the year (`RETURNS_CATALOG`).";
    };

    studentIdField = mkOption {
      type = types.str;
      default = "Student ID";
      description = "RT user custom field that gets the student id (`STUDENT_ID_FIELD`).";
    };

    graduationYearField = mkOption {
      type = types.str;
      default = "Graduation Year";
      description = "RT user custom field that gets the graduation year (`GRADUATION_YEAR_FIELD`).";
    };

    userFieldsRate = mkOption {
      type = types.str;
      default = "5/second";
      description = "Most RT user writes of the user-field sync (`USER_FIELDS_RATE`).";
    };

    auditOverdueDays = mkOption {
      type = types.ints.between 1 3650;
      default = 365;
      description = "Days after its last audit that a device is listed as overdue (`AUDIT_OVERDUE_DAYS`).";
    };

    auditLostStatus = mkOption {
      type = types.str;
      default = "stolen";
      description = "Asset status an audit gives a missing device marked lost (`AUDIT_LOST_STATUS`).";
    };

    auditQueue = mkOption {
      type = types.str;
      default = "";
      description = "RT queue where each device an audit marks lost gets a ticket with the comment; none if empty (`AUDIT_QUEUE`).";
    };

    auditWriteRate = mkOption {
      type = types.str;
      default = "5/second";
      description = "Most RT asset writes of an audit's Last Audited job (`AUDIT_WRITE_RATE`).";
    };

    dueSoonDays = mkOption {
      type = types.ints.between 0 365;
      default = 3;
      description = "A loan due within this many days (today included) is listed as due soon (`DUE_SOON_DAYS`).";
    };

    smtpUrl = mkOption {
      type = types.str;
      default = "";
      example = "smtp://mail.example.org:587";
      description = "The district's mail server (`SMTP_URL`): smtp://host:587 with STARTTLS or smtps://host:465; its user and password go in the secrets file (SMTP_USER, SMTP_PASSWORD). Empty: no mail.";
    };

    mailFrom = mkOption {
      type = types.str;
      default = "";
      example = "it-desk@district.example.org";
      description = "Sender address of the notices (`MAIL_FROM`); needed with smtpUrl.";
    };

    mailReplyTo = mkOption {
      type = types.str;
      default = "";
      description = "Reply-To address of the notices (`MAIL_REPLY_TO`).";
    };

    mailTemplatesDir = mkOption {
      type = types.nullOr types.str;
      default = null;
      description = "Folder of the district's own mail templates (`MAIL_TEMPLATES_DIR`), an absolute path as a string; see docs/mail.md.";
    };

    mailRate = mkOption {
      type = types.str;
      default = "60/minute";
      description = "Most mails sent (`MAIL_RATE`), e.g. 60/minute.";
    };

    notices = mkOption {
      type = types.listOf (types.enum [ "receipt" "reminder" "overdue" "campaign" "campaign-summary" ]);
      default = [ "receipt" "reminder" "overdue" "campaign" "campaign-summary" ];
      description = "Notices sent (`NOTICES`).";
    };

    noticeRemindDays = mkOption {
      type = types.ints.between 0 60;
      default = 2;
      description = "Days before the due date the reminder goes (`NOTICE_REMIND_DAYS`).";
    };

    noticeRepeatDays = mkOption {
      type = types.ints.between 0 365;
      default = 7;
      description = "Days between overdue notices while a device stays out; 0 sends one only (`NOTICE_REPEAT_DAYS`).";
    };

    noticesAt = mkOption {
      type = types.str;
      default = "";
      example = "06:30";
      description = "UTC time HH:MM at which the job system sends the reminders and overdue notices each day (`NOTICES_AT`); empty: not by the job system (see dueNoticesSchedule).";
    };

    schoolAddress = mkOption {
      type = types.str;
      default = "";
      description = "Address that gets the return campaign's summary per grade (`SCHOOL_ADDRESS`).";
    };

    dueNoticesSchedule = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "*-*-* 06:30:00";
      description = "When a timer sends the reminders and overdue notices (a systemd `OnCalendar=` expression); null: no timer. Use this or noticesAt, not both.";
    };
  };

  config = mkIf cfg.enable {
    assertions = [
      {
        assertion = builtins.isString cfg.secretsFile && !isStorePath cfg.secretsFile;
        message = "services.requestTrackerUtils.secretsFile must be an absolute path given as a string, outside the Nix store (a Nix path would copy the secrets into the world-readable store).";
      }
      {
        assertion = hasPrefix "http://" cfg.rtUrl || hasPrefix "https://" cfg.rtUrl;
        message = "services.requestTrackerUtils.rtUrl must start with https:// (or http://), not '${cfg.rtUrl}'.";
      }
      {
        assertion = hasPrefix "/" cfg.apiEndpoint;
        message = "services.requestTrackerUtils.apiEndpoint must start with '/', such as '/REST/2.0', not '${cfg.apiEndpoint}'.";
      }
      {
        assertion = cfg.port >= 1024;
        message = "services.requestTrackerUtils.port must be 1024 or above (the service runs without capabilities); put a reverse proxy on ports 80/443.";
      }
      {
        assertion = cfg.qrTarget != "service" || cfg.publicUrl != null;
        message = "services.requestTrackerUtils.publicUrl is required when qrTarget is \"service\".";
      }
      {
        assertion = !(cfg.createLocalDatabase && cfg.storeUrl != "");
        message = "services.requestTrackerUtils: set either storeUrl or createLocalDatabase, not both.";
      }
      {
        assertion = !lib.any (lib.hasInfix ",") cfg.extraPrefixes;
        message = "services.requestTrackerUtils.extraPrefixes entries may not contain ','.";
      }
      {
        assertion =
          cfg.googleServiceAccountFile == null || !isStorePath cfg.googleServiceAccountFile;
        message = "services.requestTrackerUtils.googleServiceAccountFile must be outside the Nix store (the key is a secret).";
      }
      {
        assertion =
          !googleSync || (cfg.googleServiceAccountFile != null && cfg.googleAdminSubject != "");
        message = "services.requestTrackerUtils.googleSyncSchedule needs googleServiceAccountFile and googleAdminSubject.";
      }
      {
        assertion = !dueNotices || (cfg.smtpUrl != "" && cfg.mailFrom != "");
        message = "services.requestTrackerUtils.dueNoticesSchedule needs smtpUrl and mailFrom.";
      }
      {
        assertion = !(dueNotices && cfg.noticesAt != "");
        message = "services.requestTrackerUtils: set either dueNoticesSchedule or noticesAt, not both.";
      }
      {
        assertion = cfg.autotagInterval == 0 || cfg.autotagCatalogs != [ ];
        message = "services.requestTrackerUtils.autotagCatalogs must name the catalogs when autotagInterval is set.";
      }
      {
        assertion = !lib.any (lib.hasInfix ",") cfg.autotagCatalogs;
        message = "services.requestTrackerUtils.autotagCatalogs entries may not contain ','.";
      }
      {
        assertion = !lib.any hasSeparator (
          builtins.attrNames cfg.templateByType ++ builtins.attrValues cfg.templateByType
        );
        message = "services.requestTrackerUtils.templateByType names and templates may not contain ',' or '='.";
      }
      {
        assertion = !lib.any hasSeparator (
          builtins.attrNames cfg.prefixByCatalog ++ builtins.attrValues cfg.prefixByCatalog
        );
        message = "services.requestTrackerUtils.prefixByCatalog catalogs and prefixes may not contain ',' or '='.";
      }
    ];

    users.users.${cfg.user} = {
      isSystemUser = true;
      group = cfg.group;
      description = "request-tracker-utils service";
    };
    users.groups.${cfg.group} = { };

    systemd.tmpfiles.rules = mkIf (!usesStateDirectory) [
      "d '${cfg.workingDirectory}' 0700 ${cfg.user} ${cfg.group} - -"
    ];

    networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall [ cfg.port ];

    services.postgresql = mkIf cfg.createLocalDatabase {
      enable = true;
      ensureDatabases = [ cfg.user ];
      ensureUsers = [
        {
          name = cfg.user;
          ensureDBOwnership = true;
        }
      ];
    };

    systemd.services.request-tracker-utils = {
      description = "request-tracker-utils: asset tags and labels for Request Tracker";
      wantedBy = [ "multi-user.target" ];
      # Start-up checks that RT answers; wait for the network (and a local database) to be up.
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ] ++ databaseUnits;
      requires = databaseUnits;
      inherit environment;
      serviceConfig = serviceConfig // {
        Type = "exec";
        ExecStart = "${cfg.package}/bin/request-tracker-utils serve";
        Restart = "on-failure";
        RestartSec = "5s";
      };
    };

    # Background jobs in their own process when jobsWorker = "separate".
    systemd.services.request-tracker-utils-worker = mkIf (cfg.jobsWorker == "separate") {
      description = "request-tracker-utils: background jobs";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      inherit environment;
      serviceConfig = serviceConfig // {
        Type = "exec";
        ExecStart = "${cfg.package}/bin/request-tracker-utils worker";
        Restart = "on-failure";
        RestartSec = "5s";
      };
    };

    # Started by hand (`systemctl start request-tracker-utils-tags-sync`): raises each
    # prefix's sequence above the highest tag already in RT, for a first install or a
    # migration from the old tool. Its report goes to the journal.
    systemd.services.request-tracker-utils-tags-sync = {
      description = "request-tracker-utils: raise tag sequences above the tags already in RT";
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ] ++ databaseUnits;
      requires = databaseUnits;
      inherit environment;
      serviceConfig = serviceConfig // {
        Type = "oneshot";
        ExecStart = "${cfg.package}/bin/request-tracker-utils tags sync";
      };
    };

    # The Google Admin sync, started by its timer (googleSyncSchedule); its summary and
    # progress go to the journal.
    systemd.services.request-tracker-utils-google-sync = mkIf googleSync {
      description = "request-tracker-utils: sync Chromebooks between Google Admin and RT";
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      inherit environment;
      serviceConfig = serviceConfig // {
        Type = "oneshot";
        ExecStart = "${cfg.package}/bin/request-tracker-utils google sync";
      };
    };

    # The reminders and overdue notices, started by their timer (dueNoticesSchedule); the
    # run's counts go to the journal (ids only, never names or addresses).
    systemd.services.request-tracker-utils-due-notices = mkIf dueNotices {
      description = "request-tracker-utils: send the reminders and overdue notices";
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      inherit environment;
      serviceConfig = serviceConfig // {
        Type = "oneshot";
        ExecStart = "${cfg.package}/bin/request-tracker-utils due notices";
      };
    };

    systemd.timers.request-tracker-utils-due-notices = mkIf dueNotices {
      wantedBy = [ "timers.target" ];
      timerConfig = {
        OnCalendar = cfg.dueNoticesSchedule;
        Persistent = true;
      };
    };

    systemd.timers.request-tracker-utils-google-sync = mkIf googleSync {
      wantedBy = [ "timers.target" ];
      timerConfig = {
        OnCalendar = cfg.googleSyncSchedule;
        Persistent = true;
        RandomizedDelaySec = "10m";
      };
    };
  };
}
