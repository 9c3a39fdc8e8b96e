# A small stand-in for nixpkgs' `lib`, written for these tests so that nix/module.nix and
# flake.nix can be evaluated with Debian's nix-bin and no network (nixpkgs cannot be
# fetched in CI, and fetched code is never committed).
#
# It implements only what the module and the flake use, with the semantics of the real
# library that matter here: option declarations with types that check and merge their
# definitions, defaults at the lowest priority, mkIf/mkMerge/mkOverride pushed down to the
# options they define without forcing their conditions early, and an error for a
# definition of an option that does not exist. Type names follow nixpkgs (`intBetween`,
# `unsignedInt16`, ...). test_nix.py evaluates the same files with the real nixpkgs lib,
# when one is available, and checks that both give the same result.
let
  inherit (builtins)
    all
    any
    attrNames
    concatMap
    concatStringsSep
    elem
    filter
    foldl'
    genList
    head
    isAttrs
    isBool
    isFloat
    isFunction
    isInt
    isList
    isPath
    isString
    length
    listToAttrs
    mapAttrs
    stringLength
    substring
    tail
    toJSON
    typeOf
    ;

  genAttrs =
    names: f:
    listToAttrs (
      map (name: {
        inherit name;
        value = f name;
      }) names
    );
  mapAttrsToList = f: attrs: map (name: f name attrs.${name}) (attrNames attrs);
  hasPrefix = prefix: text: substring 0 (stringLength prefix) text == prefix;
  removePrefix =
    prefix: text:
    if hasPrefix prefix text then substring (stringLength prefix) (stringLength text) text else text;
  hasInfix =
    infix: text:
    let
      width = stringLength infix;
      starts = stringLength text - width + 1;
    in
    starts > 0 && any (start: substring start width text == infix) (genList (i: i) starts);
  optional = condition: value: if condition then [ value ] else [ ];
  optionalAttrs = condition: attrs: if condition then attrs else { };
  unique = foldl' (seen: x: if elem x seen then seen else seen ++ [ x ]) [ ];
  showLoc = concatStringsSep ".";
  show = value: if isString value || isInt value || isFloat value || isBool value then toJSON value else "a ${typeOf value}";
  isDerivation = value: isAttrs value && (value.type or null) == "derivation";

  # Properties, as in lib/modules.nix.
  mkIf = condition: content: {
    _type = "if";
    inherit condition content;
  };
  mkMerge = contents: {
    _type = "merge";
    inherit contents;
  };
  mkOverride = priority: content: {
    _type = "override";
    inherit priority content;
  };
  defaultPriority = 100;
  optionDefaultPriority = 1500;

  # The definitions of one attribute inside a (possibly wrapped) attribute set, still
  # wrapped: reads attribute names only, never a condition.
  attrDefinitions =
    name: value:
    let
      kind = if isAttrs value then value._type or null else null;
    in
    if kind == "if" then
      map (mkIf value.condition) (attrDefinitions name value.content)
    else if kind == "merge" then
      concatMap (attrDefinitions name) value.contents
    else if kind == "override" then
      map (mkOverride value.priority) (attrDefinitions name value.content)
    else if isAttrs value && kind == null && value ? ${name} then
      [ value.${name} ]
    else
      [ ];

  # Unwraps properties into plain definitions { priority, value }.
  discharge =
    priority: value:
    let
      kind = if isAttrs value then value._type or null else null;
    in
    if kind == "if" then
      if !isBool value.condition then
        throw "mkIf called with a non-Boolean condition"
      else if value.condition then
        discharge priority value.content
      else
        [ ]
    else if kind == "merge" then
      concatMap (discharge priority) value.contents
    else if kind == "override" then
      discharge value.priority value.content
    else
      [ { inherit priority value; } ];

  highestPriority =
    defs:
    let
      best = foldl' (low: def: if def.priority < low then def.priority else low) 100000 defs;
    in
    filter (def: def.priority == best) defs;

  mergeEqual =
    loc: defs:
    let
      first = (head defs).value;
    in
    if all (def: def.value == first) defs then
      first
    else
      throw "The option `${showLoc loc}' has conflicting definition values.";

  mkOptionType =
    {
      name,
      description ? name,
      check ? (_: true),
      merge ? mergeEqual,
    }:
    {
      _type = "option-type";
      inherit
        name
        description
        check
        merge
        ;
    };

  checkedDefs =
    loc: type: defs:
    map (
      def:
      if type.check def.value then
        def
      else
        throw "A definition for option `${showLoc loc}' is not of type `${type.description}'. Definition value: ${show def.value}"
    ) defs;

  between =
    name: kind: low: high:
    mkOptionType {
      inherit name;
      description = "${kind} between ${toJSON low} and ${toJSON high} (both inclusive)";
      check = value: (isInt value || (kind != "integer" && isFloat value)) && value >= low && value <= high;
    };

  attrsOf =
    elemType:
    mkOptionType {
      name = "attrsOf";
      description = "attribute set of ${elemType.description}";
      check = isAttrs;
      merge =
        loc: defs:
        let
          names = unique (concatMap (def: attrNames def.value) defs);
          merged = map (
            name:
            let
              elemLoc = loc ++ [ name ];
              elemDefs = highestPriority (
                concatMap (def: if def.value ? ${name} then discharge def.priority def.value.${name} else [ ]) defs
              );
            in
            {
              inherit name;
              value = if elemDefs == [ ] then null else elemType.merge elemLoc (checkedDefs elemLoc elemType elemDefs);
              present = elemDefs != [ ];
            }
          ) names;
        in
        listToAttrs (filter (entry: entry.present) merged);
    };

  types = rec {
    bool = mkOptionType {
      name = "bool";
      description = "boolean";
      check = isBool;
    };
    str = mkOptionType {
      name = "str";
      description = "string";
      check = isString;
    };
    int = mkOptionType {
      name = "int";
      description = "signed integer";
      check = isInt;
    };
    ints = {
      between = between "intBetween" "integer";
      positive = mkOptionType {
        name = "positiveInt";
        description = "positive integer";
        check = value: isInt value && value > 0;
      };
      u16 = between "unsignedInt16" "integer" 0 65535;
    };
    port = ints.u16;
    numbers.between = between "numberBetween" "number";
    path = mkOptionType {
      name = "path";
      description = "absolute path";
      check = value: (isString value || isPath value) && substring 0 1 (toString value) == "/";
    };
    package = mkOptionType {
      name = "package";
      description = "package";
      check = value: isDerivation value || (isString value && hasPrefix "/nix/store/" value);
    };
    enum =
      values:
      mkOptionType {
        name = "enum";
        description = "one of ${concatStringsSep ", " (map toJSON values)}";
        check = value: elem value values;
      };
    nullOr =
      elemType:
      mkOptionType {
        name = "nullOr";
        description = "null or ${elemType.description}";
        check = value: value == null || elemType.check value;
        merge =
          loc: defs:
          if all (def: def.value == null) defs then
            null
          else if any (def: def.value == null) defs then
            throw "The option `${showLoc loc}' is defined both null and not null."
          else
            elemType.merge loc defs;
      };
    listOf =
      elemType:
      mkOptionType {
        name = "listOf";
        description = "list of ${elemType.description}";
        check = isList;
        merge =
          loc: defs:
          map (
            value:
            if elemType.check value then
              value
            else
              throw "A list element of option `${showLoc loc}' is not of type `${elemType.description}'. Value: ${show value}"
          ) (concatMap (def: def.value) defs);
      };
    inherit attrsOf;
    anything = mkOptionType {
      name = "anything";
      merge =
        loc: defs:
        let
          values = map (def: def.value) defs;
        in
        if all (value: isAttrs value && !isDerivation value) values then
          (attrsOf anything).merge loc defs
        else if all isList values then
          concatMap (value: value) values
        else
          mergeEqual loc defs;
    };
    unspecified = mkOptionType { name = "unspecified"; };
  };

  isOption = value: isAttrs value && (value._type or null) == "option";

  mkOption =
    args:
    args
    // {
      _type = "option";
      type = args.type or types.unspecified;
    };

  mkEnableOption =
    name:
    mkOption {
      type = types.bool;
      default = false;
      example = true;
      description = "Whether to enable ${name}.";
    };

  literalExpression = text: {
    _type = "literalExpression";
    inherit text;
  };

  # lib.evalModules, restricted to flat option trees (no submodules).
  evalModules =
    {
      modules,
      specialArgs ? { },
    }:
    let
      load =
        module:
        if isPath module || isString module then
          load (import module)
        else if isFunction module then
          module (specialArgs // { inherit config options lib; })
        else
          module;
      normalise =
        raw:
        if raw ? options || raw ? config || raw ? imports then
          {
            options = raw.options or { };
            config = raw.config or { };
            imports = raw.imports or [ ];
          }
        else
          {
            options = { };
            config = raw;
            imports = [ ];
          };
      collect =
        module:
        let
          loaded = normalise (load module);
        in
        [ loaded ] ++ concatMap collect loaded.imports;
      loadedModules = concatMap collect modules;

      mergeDeclarations =
        loc: left: right:
        if isOption left || isOption right then
          throw "The option `${showLoc loc}' is declared twice."
        else
          left
          // mapAttrs (
            name: value: if left ? ${name} then mergeDeclarations (loc ++ [ name ]) left.${name} value else value
          ) right;
      declarations = foldl' (mergeDeclarations [ ]) { } (map (module: module.options) loadedModules);

      definitionsAt =
        path: value:
        if path == [ ] then
          discharge defaultPriority value
        else
          concatMap (definitionsAt (tail path)) (attrDefinitions (head path) value);

      evalOption =
        loc: declaration:
        let
          defined = concatMap (module: definitionsAt loc module.config) loadedModules;
          defaults = optional (declaration ? default) {
            priority = optionDefaultPriority;
            value = declaration.default;
          };
          defs = highestPriority (defined ++ defaults);
        in
        declaration
        // {
          inherit loc;
          isDefined = defs != [ ];
          value =
            if defs == [ ] then
              throw "The option `${showLoc loc}' is used but not defined."
            else
              declaration.type.merge loc (checkedDefs loc declaration.type defs);
        };

      evalTree =
        loc: declaration:
        if isOption declaration then
          evalOption loc declaration
        else
          mapAttrs (name: evalTree (loc ++ [ name ])) declaration;
      valueTree =
        loc: declaration:
        if isOption declaration then
          (evalOption loc declaration).value
        else
          mapAttrs (name: valueTree (loc ++ [ name ])) declaration;

      options = evalTree [ ] declarations;
      config = valueTree [ ] declarations;

      # Every definition must name a declared option, as with the real module system.
      checkDefined =
        loc: declaration: value:
        all (
          def:
          if !isAttrs def.value then
            throw "The definition of `${showLoc loc}' is not an attribute set."
          else
            all (
              name:
              if !(declaration ? ${name}) then
                throw "The option `${showLoc (loc ++ [ name ])}' does not exist."
              else
                isOption declaration.${name} || checkDefined (loc ++ [ name ]) declaration.${name} def.value.${name}
            ) (attrNames def.value)
        ) (discharge defaultPriority value);
      allDefined = all (module: checkDefined [ ] declarations module.config) loadedModules;
    in
    {
      inherit options;
      config = builtins.seq allDefined config;
    };

  lib = {
    inherit
      evalModules
      mkOption
      mkEnableOption
      mkIf
      mkMerge
      mkOverride
      literalExpression
      types
      genAttrs
      mapAttrsToList
      hasPrefix
      removePrefix
      hasInfix
      optional
      optionalAttrs
      concatStringsSep
      any
      all
      filter
      ;
    mkDefault = mkOverride 1000;
    mkForce = mkOverride 50;
    mkOptionDefault = mkOverride optionDefaultPriority;
    importTOML = path: builtins.fromTOML (builtins.readFile path);
    # Enough of lib.fileset for nix/package.nix: records which files the source holds.
    fileset = {
      unions = paths: {
        _type = "fileset";
        inherit paths;
      };
      toSource =
        { root, fileset }:
        {
          _type = "source";
          root = toString root;
          files = map toString fileset.paths;
        };
    };
    licenses.mit = {
      spdxId = "MIT";
    };
    platforms.linux = [
      "x86_64-linux"
      "aarch64-linux"
    ];
  };
in
lib
