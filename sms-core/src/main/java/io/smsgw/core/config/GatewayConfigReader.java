package io.smsgw.core.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.text.DefaultAlphabet;
import io.smsgw.core.text.SmsEncoding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a parsed HOCON tree into a {@link GatewayConfig}, checking every setting and collecting all
 * problems before failing, so an operator fixes the file in one round. One instance per read.
 */
final class GatewayConfigReader {

   private static final Logger logger = LoggerFactory.getLogger(GatewayConfigReader.class);

   private static final List<String> ROOT_KEYS = List.of("gateway", "accounts", "links", "routes", "billing", "tandem", "gns", "peers");
   private static final List<String> ROUTE_KEYS = List.of("mt", "mo");
   private static final List<String> MT_ROUTE_KEYS = List.of("prefix", "links");
   private static final List<String> WEIGHTED_LINK_KEYS = List.of("link", "weight");
   private static final List<String> MO_ROUTE_KEYS = List.of("prefix", "account");
   private static final List<String> BILLING_KEYS = List.of("billable-states", "billable-fee-types", "cdr");
   private static final List<String> CDR_KEYS = List.of("directory", "prefix", "queue", "rotate-interval", "max-records", "max-bytes");
   private static final String FINAL_STATES = String.join(", ", Arrays.stream(DeliveryState.values())
      .filter(DeliveryState::isFinal).map(DeliveryState::stat).toList());
   private static final List<String> TANDEM_KEYS = List.of("gateways", "mt-routes", "mo-routes");
   private static final List<String> TANDEM_GATEWAY_KEYS =
      List.of("host", "port", "region", "shared-secret", "allowed-ips", "max-sessions");
   private static final List<String> TANDEM_MT_ROUTE_KEYS = List.of("start", "end", "gateway", "area-code", "user-type");
   private static final List<String> TANDEM_MO_ROUTE_KEYS =
      List.of("sp-code", "sp-id", "service-id", "gateway", "regions", "access-type");
   private static final List<String> GNS_KEYS =
      List.of("host", "port", "shared-secret", "refresh", "query-timeout", "reconnect-min", "reconnect-max", "tls",
              "tls-trust-store", "tls-trust-store-password", "tls-key-store", "tls-key-store-password", "tls-key-alias",
              "tls-verify-host", "tls-peer-name", "tls-peer-sha256", "verify-ismg");
   private static final List<String> LINK_KEYS = List.of(
      "host", "port", "system-id", "password", "system-type", "version", "bind", "window", "max-submit-rate",
      "enquire-link-interval", "response-timeout", "reconnect-min", "reconnect-max", "tls", "tls-trust-store", "tls-trust-store-password",
      "tls-key-store", "tls-key-store-password", "tls-key-alias", "tls-verify-host", "source-override",
      "source-ton", "source-npi", "destination-ton", "destination-npi", "data-coding", "long-messages",
      "receipt-id-format", "default-alphabet", "max-unanswered-attempts", "on-unanswered",
      "throttle-pause", "addr-ton", "addr-npi", "address-range", "receipts-by-content", "max-unanswered-deliveries",
      "correlation-group");
   private static final List<String> GATEWAY_KEYS = List.of("code", "name", "max-hops");
   private static final List<String> PEER_KEYS =
      List.of("host", "port", "shared-secret", "window", "reconnect-min", "reconnect-max", "response-timeout",
              "allowed-ips", "max-sessions", "tls", "tls-trust-store", "tls-trust-store-password", "tls-key-store",
              "tls-key-store-password", "tls-key-alias", "tls-verify-host", "tls-peer-name", "tls-peer-sha256",
              "verify-ismg", "report-wait");
   /** NodesCount is one octet. */
   private static final int MAX_HOPS_LIMIT = 255;
   private static final List<String> ACCOUNT_KEYS = List.of(
      "password", "protocols", "max-sessions", "source-prefixes", "service-ids", "max-submit-rate", "allowed-ips",
      "daily-quota", "mt-routes", "max-message-parts", "third-party-billing", "broker-roles",
      "smpp-default-alphabet", "cmpp-deliver-over-140");

   /** SMPP system_id is a C-Octet String of 16 bytes, password one of 9. */
   private static final int SMPP_MAX_ID = 15;
   private static final int SMPP_MAX_PASSWORD = 8;
   /** CMPP CONNECT Source_Addr is 6 bytes; SUBMIT Service_Id 10 bytes. */
   private static final int CMPP_MAX_ID = 6;
   private static final int CMPP_MAX_SERVICE_ID = 10;

   private static final Comparator<Map.Entry<String, ConfigValue>> BY_LINE =
      Comparator.comparingInt((Map.Entry<String, ConfigValue> e) -> e.getValue().origin().lineNumber())
         .thenComparing(Map.Entry::getKey);

   private final String sourceName;
   private final List<Problem> problems = new ArrayList<>();
   /** Links that name their correlation-group (the others share one with the links bound to their SMSC account). */
   private final Set<String> namedCorrelationGroups = new java.util.HashSet<>();

   /** @param sourceName how to name the file in messages when the library knows no file name */
   GatewayConfigReader(String sourceName) {
      this.sourceName = sourceName;
   }

   GatewayConfig read(ConfigObject root) {
      checkKeys(root, "", ROOT_KEYS);
      String code = null;
      String name = GatewayConfig.DEFAULT_NAME;
      int maxHops = GatewayConfig.DEFAULT_MAX_HOPS;
      ConfigObject gateway = object(root, "gateway", true);
      if (gateway != null) {
         checkKeys(gateway, "gateway", GATEWAY_KEYS);
         code = gatewayCode(gateway);
         ConfigValue nameValue = gateway.get("name");
         if (nameValue != null) {
            String value = string(nameValue, "gateway.name", false);
            if (value != null && value.isBlank()) {
               problem(nameValue.origin(), "gateway.name", "must not be empty");
            }
            name = value;
         }
         maxHops = wholeNumber(gateway, "gateway", "max-hops", GatewayConfig.DEFAULT_MAX_HOPS, 1, MAX_HOPS_LIMIT);
      }
      List<Account> accounts = namedEntries(object(root, "accounts", false), this::account);
      List<SmscLinkConfig> links = sharedCorrelationGroups(namedEntries(object(root, "links", false), this::link));
      RouteConfig routes = routes(object(root, "routes", false), links, accounts);
      BillingPolicy billing = billing(object(root, "billing", false));
      TandemConfig tandem = tandem(object(root, "tandem", false));
      GnsClientConfig gns = gns(object(root, "gns", false));
      Map<String, PeerConfig> peers = peers(object(root, "peers", false), code);
      if (!problems.isEmpty()) {
         problems.sort(Comparator.comparing(Problem::source).thenComparingInt(Problem::line)); // stable: file order
         throw new GatewayConfigException(problems.stream().map(Problem::text).toList());
      }
      accounts = withCmppSourceDefaults(accounts, routes);
      // Not refused: deployments that started with such accounts must still start; the operator is told at each load.
      for (String warning : SourceAddressWarnings.of(accounts, routes)) {
         logger.warn("{}: {}", sourceName, warning);
      }
      return new GatewayConfig(code, name, new AccountRegistry(accounts), links, routes, billing, tandem, gns, peers, maxHops);
   }

   /**
    * CMPP's Src_Id is the SP's service code or a longer number starting with it, and an SP's service numbers are its
    * local MO routes: an account that takes CMPP and lists no source-prefixes is held, in its CMPP submits, to the
    * numbers of the MO routes naming it (decision 134). SMPP has no such rule, so its submits are left as they were.
    */
   private List<Account> withCmppSourceDefaults(List<Account> accounts, RouteConfig routes) {
      List<Account> result = new ArrayList<>(accounts.size());
      for (Account account : accounts) {
         List<String> served = new ArrayList<>();
         if (account.sourcePrefixes().isEmpty() && account.allowsProtocol(AccessProtocol.CMPP)) {
            for (RouteConfig.MoRoute route : routes.mo()) {
               // as MO routing matches it; Src_Id is written without + or 00. A catch-all route ("") names no number.
               String number = withoutInternationalMark(route.prefix());
               if (account.id().equals(route.account()) && !number.isEmpty() && !served.contains(number)) {
                  served.add(number);
               }
            }
         }
         if (served.isEmpty()) {
            result.add(account);
         } else {
            logger.info("{}: account {} lists no source-prefixes, so its CMPP submits may use only its MO routes' service "
                           + "numbers {} (and longer numbers starting with them) as Src_Id", sourceName, account.id(), served);
            result.add(account.withCmppSourceDefault(served));
         }
      }
      return result;
   }

   /** A route prefix as a Src_Id carries it: without a leading {@code +} or {@code 00}. */
   private static String withoutInternationalMark(String prefix) {
      if (prefix.startsWith("+")) {
         return prefix.substring(1);
      }
      return prefix.startsWith("00") ? prefix.substring(2) : prefix;
   }

   private String gatewayCode(ConfigObject gateway) {
      ConfigValue value = gateway.get("code");
      if (value == null) {
         problem(gateway.origin(), "gateway.code", "required (the 6-digit ISMG code, e.g. code = \"001001\")");
         return null;
      }
      String code = string(value, "gateway.code", false);
      if (code != null && !GatewayConfig.isGatewayCode(code)) {
         problem(value.origin(), "gateway.code", "must be 6 digits (e.g. \"001001\"), got \"" + code + "\"");
      }
      return code;
   }

   private Account account(String id, ConfigValue value) {
      String path = "accounts." + id;
      int problemsBefore = problems.size();
      ConfigObject settings = settingsObject(value, path, "the account's", ACCOUNT_KEYS);
      if (settings == null) {
         return null;
      }

      String password = null;
      ConfigValue passwordValue = settings.get("password");
      if (passwordValue == null) {
         problem(settings.origin(), path + ".password", "required");
      } else {
         password = string(passwordValue, path + ".password", true);
         if (password != null && password.isEmpty()) {
            problem(passwordValue.origin(), path + ".password", "must not be empty");
         }
      }
      int problemsBeforeProtocols = problems.size();
      boolean listed = settings.containsKey("protocols");
      Set<AccessProtocol> protocols = listed ? protocols(settings, path) : protocolsThatFit(id, path);
      // A protocol the account lists must be able to carry its id and password: one that cannot would refuse every
      // login. A protocols list with a problem of its own is reported alone.
      Set<AccessProtocol> checked = listed && problems.size() == problemsBeforeProtocols
         ? protocols : EnumSet.noneOf(AccessProtocol.class);
      int maxSessions = wholeNumber(settings, path, "max-sessions", Account.DEFAULT_MAX_SESSIONS, 1);
      List<String> sourcePrefixes = new ArrayList<>(strings(settings, path, "source-prefixes", Integer.MAX_VALUE));
      Set<String> serviceIds = strings(settings, path, "service-ids", CMPP_MAX_SERVICE_ID);
      int maxSubmitRate = wholeNumber(settings, path, "max-submit-rate", Account.UNLIMITED_RATE, 0);
      List<CidrBlock> allowedIps = addressBlocks(settings, path);
      int dailyQuota = wholeNumber(settings, path, "daily-quota", 0, 0);
      List<String> mtRoutes = new ArrayList<>(strings(settings, path, "mt-routes", Integer.MAX_VALUE));
      int maxMessageParts = wholeNumber(settings, path, "max-message-parts", Account.DEFAULT_MAX_MESSAGE_PARTS, 1);
      if (maxMessageParts > Account.MAX_MESSAGE_PARTS_LIMIT) {
         problem(settings.get("max-message-parts").origin(), path + ".max-message-parts",
            "must be <= " + Account.MAX_MESSAGE_PARTS_LIMIT + " (a concatenated SMS has at most that many parts), got " + maxMessageParts);
      }
      boolean thirdPartyBilling = bool(settings, path, "third-party-billing", false);
      boolean cmppDeliverOver140 = bool(settings, path, "cmpp-deliver-over-140", false);
      List<String> brokerRoles = settings.containsKey("broker-roles")
         ? new ArrayList<>(strings(settings, path, "broker-roles", Integer.MAX_VALUE)) : null;
      SmsEncoding smppAlphabet = null;
      if (settings.containsKey("smpp-default-alphabet")) {
         DefaultAlphabet alphabet = choice(settings, path, "smpp-default-alphabet", DefaultAlphabet.class, DefaultAlphabet.GSM7);
         if (alphabet.packed()) {
            // the acceptor writes GSM 7-bit one septet per octet only; ESMEs that want it packed are not known to exist
            problem(settings.get("smpp-default-alphabet").origin(), path + ".smpp-default-alphabet",
               "must be one of gsm7, latin1, ascii (the SMPP acceptor does not pack GSM 7-bit), got \"" + alphabet.configName() + "\"");
         }
         smppAlphabet = alphabet.encoding();
      }

      checkId(id, settings, path, checked);
      if (checked.contains(AccessProtocol.SMPP) && password != null && password.length() > SMPP_MAX_PASSWORD) {
         // the value itself is never echoed
         problem(passwordValue.origin(), path + ".password",
            "must be at most " + SMPP_MAX_PASSWORD + " characters for SMPP (bind password is a C-Octet String of 9 bytes)"
               + (checked.contains(AccessProtocol.CMPP) ? "; set protocols = [CMPP] for a CMPP-only account" : ""));
      }
      if (problems.size() != problemsBefore) {
         return null;
      }
      return new Account(id, password, protocols, maxSessions, sourcePrefixes, serviceIds, maxSubmitRate, allowedIps,
                         dailyQuota, mtRoutes, maxMessageParts, thirdPartyBilling, brokerRoles, smppAlphabet,
                         cmppDeliverOver140);
   }

   private RouteConfig routes(ConfigObject routes, List<SmscLinkConfig> links, List<Account> accounts) {
      if (routes == null) {
         return RouteConfig.NONE;
      }
      checkKeys(routes, "routes", ROUTE_KEYS);
      Set<String> linkIds = new LinkedHashSet<>();
      links.forEach(l -> linkIds.add(l.id()));
      Set<String> accountIds = new LinkedHashSet<>();
      accounts.forEach(a -> accountIds.add(a.id()));
      List<RouteConfig.MtRoute> mt = new ArrayList<>();
      Map<String, String> mtPrefixes = new HashMap<>();
      forEachObject(routes, "mt", "routes.mt", (path, route) -> {
         checkKeys(route, path, MT_ROUTE_KEYS);
         String prefix = prefix(route, path);
         repeatedPrefix(mtPrefixes, RouteConfig.normalisePrefix(prefix), route, path, prefix, "several links for one prefix go in one route's links, with weights");
         List<RouteConfig.WeightedLink> targets = new ArrayList<>();
         ConfigValue linksValue = route.get("links");
         if (linksValue == null) {
            problem(route.origin(), path + ".links", "required (e.g. links = [ { link = cmcc1, weight = 1 } ])");
         } else {
            List<ConfigValue> linkList = list(linksValue, path + ".links");
            for (int j = 0; linkList != null && j < linkList.size(); j++) {
               String linkPath = path + ".links[" + j + "]";
               ConfigValue target = linkList.get(j);
               if (target.valueType() == ConfigValueType.STRING) {
                  addTarget(targets, (String) target.unwrapped(), 1, target, linkPath, linkIds);
                  continue;
               }
               ConfigObject weighted = entry(target, linkPath);
               if (weighted == null) {
                  continue;
               }
               checkKeys(weighted, linkPath, WEIGHTED_LINK_KEYS);
               ConfigValue linkValue = weighted.get("link");
               if (linkValue == null) {
                  problem(weighted.origin(), linkPath + ".link", "required");
                  continue;
               }
               String link = string(linkValue, linkPath + ".link", false);
               int weight = wholeNumber(weighted, linkPath, "weight", 1, RouteConfig.WeightedLink.MIN_WEIGHT);
               String wrongWeight = RouteConfig.WeightedLink.weightProblem(weight);
               if (wrongWeight != null) {
                  problem(weighted.get("weight").origin(), linkPath + ".weight", wrongWeight);
               }
               addTarget(targets, link, weight, linkValue, linkPath + ".link", linkIds);
            }
            if (linkList != null && linkList.isEmpty()) {
               problem(linksValue.origin(), path + ".links", "must name at least one link");
            }
         }
         mt.add(new RouteConfig.MtRoute(prefix, targets));
      });
      List<RouteConfig.MoRoute> mo = new ArrayList<>();
      Map<String, String> moPrefixes = new HashMap<>();
      forEachObject(routes, "mo", "routes.mo", (path, route) -> {
         checkKeys(route, path, MO_ROUTE_KEYS);
         String prefix = prefix(route, path);
         repeatedPrefix(moPrefixes, RouteConfig.normalisePrefix(prefix), route, path, prefix, "a service number goes to one account");
         ConfigValue accountValue = route.get("account");
         String account = null;
         if (accountValue == null) {
            problem(route.origin(), path + ".account", "required");
         } else {
            account = string(accountValue, path + ".account", false);
            if (account != null && !accountIds.contains(account)) {
               problem(accountValue.origin(), path + ".account", "no account \"" + account + "\" in accounts");
            }
         }
         mo.add(new RouteConfig.MoRoute(prefix, account));
      });
      return new RouteConfig(mt, mo);
   }

   /**
    * Calls {@code body} with each object entry of the optional list {@code parent.key} and its path (e.g.
    * {@code routes.mt[2]}), in order; a value that is not a list, or an entry that is not an object, is reported.
    */
   private void forEachObject(ConfigObject parent, String key, String field, BiConsumer<String, ConfigObject> body) {
      List<ConfigValue> entries = optionalList(parent.get(key), field);
      for (int i = 0; i < entries.size(); i++) {
         String path = field + "[" + i + "]";
         ConfigObject entry = entry(entries.get(i), path);
         if (entry != null) {
            body.accept(path, entry);
         }
      }
   }

   private ConfigObject entry(ConfigValue value, String path) {
      if (value.valueType() != ConfigValueType.OBJECT) {
         problem(value.origin(), path, "expected an object { ... }, got " + describe(value));
         return null;
      }
      return (ConfigObject) value;
   }

   /**
    * Refuses a route whose prefix, as the routing matches it ({@code key}, {@link RouteConfig#normalisePrefix} for MT
    * and MO routes alike: 86139, +86139 and 0086139 are one prefix, 1 and +1 two), an earlier route of the same list
    * has: only the last one would be used, and the earlier line would be dead without a word.
    */
   private void repeatedPrefix(Map<String, String> seen, String key, ConfigObject route, String path, String prefix, String hint) {
      ConfigValue value = route.get("prefix");
      if (value == null || RouteConfig.prefixProblem(prefix) != null) {
         return;
      }
      String here = path + " (\"" + prefix + "\", " + where(value.origin(), sourceName) + ")";
      String earlier = seen.putIfAbsent(key, here);
      if (earlier != null) {
         problem(value.origin(), path + ".prefix", "\"" + prefix + "\" is the prefix of " + earlier
            + " again; only the last would be used and the earlier line would be dead: merge them (" + hint + ")");
      }
   }

   private String prefix(ConfigObject route, String path) {
      ConfigValue value = route.get("prefix");
      if (value == null) {
         problem(route.origin(), path + ".prefix", "required (digits, e.g. prefix = \"86138\"; \"\" matches every number)");
         return "";
      }
      String prefix = string(value, path + ".prefix", false);
      if (prefix == null) {
         return "";
      }
      String wrong = RouteConfig.prefixProblem(prefix);
      if (wrong != null) {
         problem(value.origin(), path + ".prefix", wrong);
      }
      return prefix;
   }

   private void addTarget(List<RouteConfig.WeightedLink> targets, String link, int weight, ConfigValue value, String path,
                          Set<String> linkIds) {
      String wrong = link == null ? null : RouteConfig.linkProblem(link, linkIds);
      if (wrong == null && link != null) {
         wrong = RouteConfig.repeatedLinkProblem(link, targets);
      }
      if (wrong != null) {
         problem(value.origin(), path, wrong);
      }
      targets.add(new RouteConfig.WeightedLink(link, weight));
   }

   private BillingPolicy billing(ConfigObject billing) {
      if (billing == null) {
         return BillingPolicy.DEFAULT;
      }
      checkKeys(billing, "billing", BILLING_KEYS);
      Set<DeliveryState> states = billing.containsKey("billable-states")
         ? billableStates(billing.get("billable-states")) : BillingPolicy.DEFAULT.billableStates();
      Set<String> feeTypes = billing.containsKey("billable-fee-types")
         ? strings(billing, "billing", "billable-fee-types", 2, true) : BillingPolicy.DEFAULT.billableFeeTypes();
      return new BillingPolicy(states, feeTypes, cdr(object(billing, "cdr", false)));
   }

   /**
    * The CDR file writer's settings. Its directory must be there and writable now: a typo or a missing mount is refused
    * with the load (at a reload the previous configuration keeps serving), not found later by a writer that cannot write.
    */
   private CdrConfig cdr(ConfigObject cdr) {
      if (cdr == null) {
         return null;
      }
      String path = "billing.cdr";
      checkKeys(cdr, path, CDR_KEYS);
      String directoryText = requiredString(cdr, path, "directory", 4096, false);
      Path directory = null;
      if (!directoryText.isEmpty()) {
         try {
            directory = Path.of(directoryText).toAbsolutePath().normalize();
            String wrong = !Files.exists(directory) ? "does not exist"
               : !Files.isDirectory(directory) ? "is not a directory"
               : !Files.isWritable(directory) ? "is not writable by the broker" : null;
            if (wrong != null) {
               problem(cdr.get("directory").origin(), path + ".directory", directory + " " + wrong);
            }
         } catch (InvalidPathException e) {
            problem(cdr.get("directory").origin(), path + ".directory", "not a valid path: " + e.getMessage());
         }
      }
      String prefix = optionalString(cdr, path, "prefix", 100, CdrConfig.DEFAULT_PREFIX);
      if (prefix.isEmpty() || !prefix.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
         problem(cdr.get("prefix").origin(), path + ".prefix", "letters, digits, '-', '_' and '.' only, got \"" + prefix + "\"");
      }
      String queue = optionalString(cdr, path, "queue", 200, CdrConfig.DEFAULT_QUEUE);
      if (queue.isBlank()) {
         problem(cdr.get("queue").origin(), path + ".queue", "must not be empty");
      }
      java.time.Duration interval = positiveDuration(cdr, path, "rotate-interval", CdrConfig.DEFAULT_ROTATE_INTERVAL);
      int maxRecords = wholeNumber(cdr, path, "max-records", CdrConfig.DEFAULT_MAX_RECORDS, 1);
      long maxBytes = CdrConfig.DEFAULT_MAX_BYTES;
      ConfigValue bytes = cdr.get("max-bytes");
      if (bytes != null) {
         try {
            maxBytes = bytes.atKey("b").getBytes("b");
            if (maxBytes < 1024) {
               problem(bytes.origin(), path + ".max-bytes", "must be at least 1 KiB, got " + maxBytes);
               maxBytes = CdrConfig.DEFAULT_MAX_BYTES;
            }
         } catch (com.typesafe.config.ConfigException e) {
            problem(bytes.origin(), path + ".max-bytes", "expected a size such as 64M or 1048576, got " + describe(bytes));
         }
      }
      return directory == null ? null : new CdrConfig(directory, prefix, queue, interval, maxRecords, maxBytes);
   }

   /**
    * Read as reports are read ({@link DeliveryState#fromStat}: any case, long SMPP names too), so a state billed here
    * is the state routing sees; a word that is no state, or a state that is never final, is refused.
    */
   private Set<DeliveryState> billableStates(ConfigValue value) {
      Set<DeliveryState> out = EnumSet.noneOf(DeliveryState.class);
      forEachString(optionalList(value, "billing.billable-states"), "billing.billable-states", (entry, where, text) -> {
         DeliveryState state = DeliveryState.fromStat(text);
         if (state == DeliveryState.UNKNOWN && !text.equalsIgnoreCase(DeliveryState.UNKNOWN.stat())) {
            problem(entry.origin(), where, "unknown delivery state \"" + text + "\", expected one of " + FINAL_STATES);
         } else if (!state.isFinal()) {
            problem(entry.origin(), where, state.stat() + " is not a final state and is never billed, expected one of " + FINAL_STATES);
         } else {
            out.add(state);
         }
      });
      return out;
   }

   // ---------------------------------------------------------------- tandem and gns sections

   /** CMPP GNS field widths: Start_Id/End_Id os9, Area_code os4, SP_Id os6, SP_Code os21, Service_Id os10, Gateway_IP os15. */
   private static final int MT_SEGMENT_DIGITS = 9;
   private static final int AREA_CODE_DIGITS = 4;
   private static final int SP_ID_DIGITS = 6;
   private static final int SP_CODE_DIGITS = 21;
   private static final int GATEWAY_IP_LENGTH = 15;
   private static final int MAX_SECRET_LENGTH = 255;

   private TandemConfig tandem(ConfigObject tandem) {
      if (tandem == null) {
         return null;
      }
      int problemsBefore = problems.size();
      checkKeys(tandem, "tandem", TANDEM_KEYS);
      java.util.Map<String, TandemConfig.Gateway> gateways = new java.util.LinkedHashMap<>();
      // routes are checked against every gateway declared, so one bad gateway entry does not make its routes fail too
      Set<String> declaredCodes = new LinkedHashSet<>();
      Set<String> declaredRegions = new java.util.TreeSet<>();
      ConfigValue gatewaysValue = tandem.get("gateways");
      if (gatewaysValue == null) {
         problem(tandem.origin(), "tandem.gateways",
            "required (e.g. gateways { \"001001\" { host = \"10.1.1.1\", port = 7930, region = north, shared-secret = \"...\" } })");
      } else if (gatewaysValue.valueType() != ConfigValueType.OBJECT) {
         problem(gatewaysValue.origin(), "tandem.gateways", "expected an object { ... }, got " + typeName(gatewaysValue));
      } else {
         for (Map.Entry<String, ConfigValue> entry : inFileOrder((ConfigObject) gatewaysValue)) {
            declaredCodes.add(entry.getKey());
            if (entry.getValue() instanceof ConfigObject settings && settings.get("region") != null
                && settings.get("region").valueType() == ConfigValueType.STRING) {
               declaredRegions.add((String) settings.get("region").unwrapped());
            }
            TandemConfig.Gateway gateway = tandemGateway(entry.getKey(), entry.getValue());
            if (gateway != null) {
               gateways.put(gateway.code(), gateway);
            }
         }
         if (((ConfigObject) gatewaysValue).isEmpty()) {
            problem(gatewaysValue.origin(), "tandem.gateways", "must list at least one gateway");
         }
      }
      List<TandemConfig.MtRoute> mtRoutes = tandemMtRoutes(tandem, declaredCodes);
      List<TandemConfig.MoRoute> moRoutes = tandemMoRoutes(tandem, declaredCodes, declaredRegions);
      return problems.size() == problemsBefore ? new TandemConfig(gateways, mtRoutes, moRoutes) : null;
   }

   private TandemConfig.Gateway tandemGateway(String code, ConfigValue value) {
      String path = "tandem.gateways." + code;
      int problemsBefore = problems.size();
      ConfigObject settings = settingsObject(value, path, "the gateway's", TANDEM_GATEWAY_KEYS);
      if (settings == null) {
         return null;
      }
      if (!GatewayConfig.isGatewayCode(code)) {
         problem(settings.origin(), path, "the key must be the gateway's 6-digit code (quote it, e.g. \"022001\")");
      }
      String host = requiredString(settings, path, "host", GATEWAY_IP_LENGTH, false);
      if (!host.isEmpty() && host.length() <= GATEWAY_IP_LENGTH && !isIpv4(host)) {
         problem(settings.get("host").origin(), path + ".host",
            "must be an IPv4 address (route answers carry it as Gateway_IP), got \"" + host + "\"");
      }
      int port = portNumber(settings, path, "port", TandemConfig.DEFAULT_FWD_PORT);
      String region = requiredString(settings, path, "region", 64, false);
      if (containsSpaceOrControl(region)) {
         problem(settings.get("region").origin(), path + ".region", "must be without spaces, got \"" + region + "\"");
      }
      String secret = requiredString(settings, path, "shared-secret", MAX_SECRET_LENGTH, true);
      List<CidrBlock> allowedIps = gatewaySources(settings, path, host);
      int maxSessions = wholeNumber(settings, path, "max-sessions", TandemConfig.Gateway.DEFAULT_MAX_SESSIONS, 1);
      return problems.size() == problemsBefore
         ? new TandemConfig.Gateway(code, host, port, region, secret, allowedIps, maxSessions) : null;
   }

   private List<TandemConfig.MtRoute> tandemMtRoutes(ConfigObject tandem, Set<String> gateways) {
      List<TandemConfig.MtRoute> out = new ArrayList<>();
      List<String> paths = new ArrayList<>();
      forEachObject(tandem, "mt-routes", "tandem.mt-routes", (path, route) -> {
         int problemsBefore = problems.size();
         checkKeys(route, path, TANDEM_MT_ROUTE_KEYS);
         String start = digits(route, path, "start", MT_SEGMENT_DIGITS, true);
         String end = digits(route, path, "end", MT_SEGMENT_DIGITS, true);
         if (start != null && end != null && problems.size() == problemsBefore) {
            if (start.length() != end.length()) {
               problem(route.get("end").origin(), path + ".end",
                  "must have as many digits as start (" + start.length() + "), got \"" + end + "\"");
            } else if (end.compareTo(start) < 0) {
               problem(route.get("end").origin(), path + ".end", "must not be below start " + start + ", got \"" + end + "\"");
            }
         }
         String gateway = knownGateway(route, path, gateways);
         String areaCode = digits(route, path, "area-code", AREA_CODE_DIGITS, false);
         int userType = wholeNumber(route, path, "user-type", 0, 0);
         if (userType > 2) {
            problem(route.get("user-type").origin(), path + ".user-type", "must be 0 (GoTone), 1 (Shenzhouxing) or 2 (M-Zone), got " + userType);
         }
         if (problems.size() != problemsBefore) {
            return;
         }
         for (int j = 0; j < out.size(); j++) {
            TandemConfig.MtRoute other = out.get(j);
            if (other.start().length() == start.length() && start.compareTo(other.end()) <= 0 && other.start().compareTo(end) <= 0) {
               problem(route.origin(), path, "segments " + start + "-" + end + " overlap " + paths.get(j)
                  + " (" + other.start() + "-" + other.end() + ")");
            }
         }
         out.add(new TandemConfig.MtRoute(start, end, gateway, areaCode, userType));
         paths.add(path);
      });
      return out;
   }

   private List<TandemConfig.MoRoute> tandemMoRoutes(ConfigObject tandem, Set<String> gateways, Set<String> knownRegions) {
      List<TandemConfig.MoRoute> out = new ArrayList<>();
      List<String> paths = new ArrayList<>();
      forEachObject(tandem, "mo-routes", "tandem.mo-routes", (path, route) -> {
         int problemsBefore = problems.size();
         checkKeys(route, path, TANDEM_MO_ROUTE_KEYS);
         String spCode = digits(route, path, "sp-code", SP_CODE_DIGITS, true);
         String spId = digits(route, path, "sp-id", SP_ID_DIGITS, false);
         String serviceId = optionalString(route, path, "service-id", CMPP_MAX_SERVICE_ID, "");
         String gateway = knownGateway(route, path, gateways);
         Set<String> regions = strings(route, path, "regions", 64);
         for (String region : regions) {
            if (!knownRegions.contains(region)) {
               problem(route.get("regions").origin(), path + ".regions",
                  "no gateway has region \"" + region + "\" (regions: " + String.join(", ", knownRegions) + ")");
            }
         }
         int accessType = wholeNumber(route, path, "access-type", 0, 0);
         if (accessType > 1) {
            problem(route.get("access-type").origin(), path + ".access-type", "must be 0 (primary access point) or 1 (mirror), got " + accessType);
         }
         if (problems.size() != problemsBefore) {
            return;
         }
         TandemConfig.MoRoute candidate = new TandemConfig.MoRoute(spCode, spId, serviceId, gateway, regions, accessType);
         for (int j = 0; j < out.size(); j++) {
            TandemConfig.MoRoute other = out.get(j);
            Set<String> shared = sharedRegions(other.regions(), regions);
            if (other.spCode().equals(spCode) && (shared == null || !shared.isEmpty())) {
               problem(route.origin(), path, "sp-code " + spCode + " is already routed for "
                  + (shared == null ? "every region" : "region " + String.join(", ", shared)) + " by " + paths.get(j)
                  + " (each asking gateway must get exactly one answer)");
            }
         }
         out.add(candidate);
         paths.add(path);
      });
      return out;
   }

   /** The regions two routes both serve, where an empty set stands for every region; null means every region. */
   private static Set<String> sharedRegions(Set<String> a, Set<String> b) {
      if (a.isEmpty()) {
         return b.isEmpty() ? null : new java.util.TreeSet<>(b);
      }
      Set<String> out = new java.util.TreeSet<>(a);
      if (!b.isEmpty()) {
         out.retainAll(b);
      }
      return out;
   }

   private String knownGateway(ConfigObject route, String path, Set<String> gateways) {
      ConfigValue value = route.get("gateway");
      if (value == null) {
         problem(route.origin(), path + ".gateway", "required (the code of a gateway in tandem.gateways)");
         return null;
      }
      String code = string(value, path + ".gateway", false);
      if (code != null && !gateways.contains(code)) {
         problem(value.origin(), path + ".gateway", "no gateway \"" + code + "\" in tandem.gateways");
      }
      return code;
   }

   private GnsClientConfig gns(ConfigObject gns) {
      if (gns == null) {
         return null;
      }
      int problemsBefore = problems.size();
      checkKeys(gns, "gns", GNS_KEYS);
      String host = requiredString(gns, "gns", "host", 255, false);
      int port = portNumber(gns, "gns", "port", GnsClientConfig.DEFAULT_PORT);
      String secret = requiredString(gns, "gns", "shared-secret", MAX_SECRET_LENGTH, true);
      java.time.Duration refresh = duration(gns, "gns", "refresh", GnsClientConfig.DEFAULT_REFRESH);
      java.time.Duration queryTimeout = positiveDuration(gns, "gns", "query-timeout", GnsClientConfig.DEFAULT_QUERY_TIMEOUT);
      java.time.Duration reconnectMin = positiveDuration(gns, "gns", "reconnect-min", GnsClientConfig.DEFAULT_RECONNECT_MIN);
      java.time.Duration reconnectMax = reconnectMax(gns, "gns", reconnectMin, GnsClientConfig.DEFAULT_RECONNECT_MAX);
      TlsClientConfig tls = tlsClient(gns, "gns", "the connection to the tandem", true);
      boolean verifyIsmg = bool(gns, "gns", "verify-ismg", true);
      if (problems.size() != problemsBefore) {
         return null;
      }
      return new GnsClientConfig(host, port, secret, refresh, queryTimeout, reconnectMin, reconnectMax, tls, verifyIsmg);
   }

   // ---------------------------------------------------------------- peers section

   private Map<String, PeerConfig> peers(ConfigObject peers, String ownCode) {
      Map<String, PeerConfig> out = new java.util.LinkedHashMap<>();
      for (PeerConfig peer : namedEntries(peers, (code, value) -> peer(code, value, ownCode))) {
         out.put(peer.code(), peer);
      }
      return out;
   }

   private PeerConfig peer(String code, ConfigValue value, String ownCode) {
      String path = "peers." + code;
      int problemsBefore = problems.size();
      ConfigObject settings = settingsObject(value, path, "the peer gateway's", PEER_KEYS);
      if (settings == null) {
         return null;
      }
      if (!GatewayConfig.isGatewayCode(code)) {
         problem(settings.origin(), path, "the key must be the peer gateway's 6-digit code (quote it, e.g. \"020001\")");
      } else if (code.equals(ownCode)) {
         problem(settings.origin(), path, "is this gateway's own code (gateway.code); a gateway does not peer with itself");
      }
      String host = requiredString(settings, path, "host", 255, false);
      int port = portNumber(settings, path, "port", PeerConfig.DEFAULT_PORT);
      String secret = requiredString(settings, path, "shared-secret", MAX_SECRET_LENGTH, true);
      int window = wholeNumber(settings, path, "window", PeerConfig.DEFAULT_WINDOW, 1);
      java.time.Duration reconnectMin = positiveDuration(settings, path, "reconnect-min", PeerConfig.DEFAULT_RECONNECT_MIN);
      java.time.Duration reconnectMax = reconnectMax(settings, path, reconnectMin, PeerConfig.DEFAULT_RECONNECT_MAX);
      java.time.Duration responseTimeout =
         positiveDuration(settings, path, "response-timeout", PeerConfig.DEFAULT_RESPONSE_TIMEOUT);
      int maxSessions = wholeNumber(settings, path, "max-sessions", PeerConfig.DEFAULT_MAX_SESSIONS, 1);
      TlsClientConfig tls = tlsClient(settings, path, "the FWD link", true);
      boolean verifyIsmg = bool(settings, path, "verify-ismg", true);
      java.time.Duration reportWait = duration(settings, path, "report-wait", PeerConfig.DEFAULT_REPORT_WAIT);
      // the host is looked up only for an entry that is otherwise fine
      List<CidrBlock> allowedIps = gatewaySources(settings, path, problems.size() == problemsBefore ? host : null);
      if (problems.size() != problemsBefore) {
         return null;
      }
      return new PeerConfig(code, host, port, secret, window, reconnectMin, reconnectMax, responseTimeout, allowedIps,
                            maxSessions, tls, verifyIsmg, reportWait);
   }

   /**
    * The addresses another gateway's CONNECT may come from: its {@code allowed-ips}, or else the addresses its
    * {@code host} resolves to now (at load and at each reload: a host name is looked up here, never while a
    * CONNECT waits). A host that does not resolve leaves none, with a WARN: its CONNECTs are refused until a
    * reload resolves it.
    */
   private List<CidrBlock> gatewaySources(ConfigObject settings, String path, String host) {
      ConfigValue allowed = settings.get("allowed-ips");
      if (allowed != null) {
         if (allowed instanceof ConfigList list && list.isEmpty()) {
            problem(allowed.origin(), path + ".allowed-ips",
               "must list at least one address or block; leave it out to allow the addresses of host");
         }
         return addressBlocks(settings, path);
      }
      if (host == null || host.isEmpty()) {
         return List.of();
      }
      List<CidrBlock> literal = PeerConfig.literalAddress(host);
      if (!literal.isEmpty()) {
         return literal;
      }
      try {
         List<CidrBlock> resolved = new ArrayList<>();
         for (java.net.InetAddress address : java.net.InetAddress.getAllByName(host)) {
            CidrBlock block = CidrBlock.of(address);
            if (!resolved.contains(block)) {
               resolved.add(block);
            }
         }
         return resolved;
      } catch (java.net.UnknownHostException | SecurityException e) {
         logger.warn("{}: {}.host \"{}\" does not resolve ({}); its CONNECTs are refused until a reload resolves it "
                     + "(or list its addresses in {}.allowed-ips)", sourceName, path, host, e.getMessage(), path);
         return List.of();
      }
   }

   /** The backoff's ceiling, which must not be below its start. */
   private java.time.Duration reconnectMax(ConfigObject settings, String path, java.time.Duration reconnectMin, java.time.Duration defaultValue) {
      java.time.Duration reconnectMax = duration(settings, path, "reconnect-max", defaultValue);
      if (reconnectMax.compareTo(reconnectMin) < 0) {
         problem((settings.containsKey("reconnect-max") ? settings.get("reconnect-max") : settings).origin(),
            path + ".reconnect-max", "must not be below reconnect-min (" + reconnectMin + ")");
      }
      return reconnectMax;
   }

   private java.time.Duration positiveDuration(ConfigObject settings, String path, String key, java.time.Duration defaultValue) {
      java.time.Duration d = duration(settings, path, key, defaultValue);
      if (d.isZero()) {
         problem(settings.get(key).origin(), path + "." + key, "must be longer than 0");
         return defaultValue;
      }
      return d;
   }

   private int portNumber(ConfigObject settings, String path, String key, int defaultValue) {
      return wholeNumber(settings, path, key, defaultValue, 1, 65535);
   }

   /** A digit string of at most {@code maxLength}; "" when optional and absent, null after a problem. */
   private String digits(ConfigObject settings, String path, String key, int maxLength, boolean required) {
      ConfigValue value = settings.get(key);
      if (value == null) {
         if (required) {
            problem(settings.origin(), path + "." + key, "required");
            return null;
         }
         return "";
      }
      String text = string(value, path + "." + key, false);
      if (text == null) {
         return null;
      }
      boolean digitsOnly = true;
      for (int i = 0; i < text.length(); i++) {
         digitsOnly &= text.charAt(i) >= '0' && text.charAt(i) <= '9';
      }
      if (!digitsOnly || text.length() > maxLength || (required && text.isEmpty())) {
         problem(value.origin(), path + "." + key,
            (required ? "must be 1-" : "must be at most ") + maxLength + " digits, got \"" + text + "\"");
         return null;
      }
      return text;
   }

   private static boolean isIpv4(String text) {
      String[] parts = text.split("\\.", -1);
      if (parts.length != 4) {
         return false;
      }
      for (String part : parts) {
         if (part.isEmpty() || part.length() > 3) {
            return false;
         }
         for (int i = 0; i < part.length(); i++) {
            if (part.charAt(i) < '0' || part.charAt(i) > '9') {
               return false;
            }
         }
         if (Integer.parseInt(part) > 255) {
            return false;
         }
      }
      return true;
   }

   /**
    * The links that name no correlation-group and bind to one SMSC account ({@link SmscLinkConfig#sameAccount}) share
    * one: the name of the first of them in sorted order. A link alone on its account keeps its own name, as records
    * were keyed before groups, so a change of its host or port keeps its records; adding a link to an account keeps
    * the group of the links there unless the new name sorts first.
    */
   private List<SmscLinkConfig> sharedCorrelationGroups(List<SmscLinkConfig> links) {
      List<SmscLinkConfig> grouped = new ArrayList<>(links.size());
      for (SmscLinkConfig link : links) {
         if (namedCorrelationGroups.contains(link.id())) {
            grouped.add(link);
            continue;
         }
         String group = link.id();
         for (SmscLinkConfig other : links) {
            if (!namedCorrelationGroups.contains(other.id()) && other.sameAccount(link) && other.id().compareTo(group) < 0) {
               group = other.id();
            }
         }
         grouped.add(group.equals(link.correlationGroup()) ? link : link.withCorrelationGroup(group));
      }
      return grouped;
   }

   private SmscLinkConfig link(String id, ConfigValue value) {
      String path = "links." + id;
      int problemsBefore = problems.size();
      ConfigObject settings = settingsObject(value, path, "the link's", LINK_KEYS);
      if (settings == null) {
         return null;
      }
      if (id.isEmpty() || containsSpaceOrControl(id) || id.length() > 64) {
         problem(settings.origin(), path, "a link name must be 1-64 characters without spaces");
      }
      String host = requiredString(settings, path, "host", 255, false);
      int port = portNumber(settings, path, "port", 0);
      if (!settings.containsKey("port")) {
         problem(settings.origin(), path + ".port", "required");
      }
      String systemId = requiredString(settings, path, "system-id", SMPP_MAX_ID, false);
      String password = requiredString(settings, path, "password", SMPP_MAX_PASSWORD, true);
      String systemType = optionalString(settings, path, "system-type", 12, "");
      String version = optionalString(settings, path, "version", 3, "3.4");
      if (!version.equals("3.4") && !version.equals("3.3")) {
         problem(settings.get("version").origin(), path + ".version", "must be \"3.4\" or \"3.3\", got \"" + version + "\"");
      }
      boolean version34 = !version.equals("3.3");
      SmscLinkConfig.BindMode bind = choice(settings, path, "bind", SmscLinkConfig.BindMode.class,
         version34 ? SmscLinkConfig.BindMode.TRANSCEIVER : SmscLinkConfig.BindMode.TRANSMITTER_RECEIVER);
      if (!version34 && bind == SmscLinkConfig.BindMode.TRANSCEIVER) {
         problem(settings.get("bind").origin(), path + ".bind", "SMPP 3.3 has no transceiver: use transmitter-receiver");
      }
      int window = wholeNumber(settings, path, "window", 10, 1);
      int rate = wholeNumber(settings, path, "max-submit-rate", 0, 0);
      // 0 would not mean "never" here: the link would probe, time out and resend, or reconnect without pause
      java.time.Duration enquire = positiveDuration(settings, path, "enquire-link-interval", java.time.Duration.ofSeconds(30));
      java.time.Duration responseTimeout = positiveDuration(settings, path, "response-timeout", java.time.Duration.ofSeconds(30));
      java.time.Duration reconnectMin = positiveDuration(settings, path, "reconnect-min", java.time.Duration.ofSeconds(1));
      java.time.Duration reconnectMax = reconnectMax(settings, path, reconnectMin, java.time.Duration.ofSeconds(60));
      TlsClientConfig tls = tlsClient(settings, path, "the link", false);
      String sourceOverride = optionalString(settings, path, "source-override", 20, "");
      int sourceTon = octetOrKeep(settings, path, "source-ton");
      int sourceNpi = octetOrKeep(settings, path, "source-npi");
      int destinationTon = octetOrKeep(settings, path, "destination-ton");
      int destinationNpi = octetOrKeep(settings, path, "destination-npi");
      String dataCoding = optionalString(settings, path, "data-coding", 10, "auto");
      if (!dataCoding.equals("auto") && !dataCoding.equals("ucs2")) {
         problem(settings.get("data-coding").origin(), path + ".data-coding", "must be auto or ucs2, got \"" + dataCoding + "\"");
      }
      SmscLinkConfig.LongMessages longMessages = choice(settings, path, "long-messages", SmscLinkConfig.LongMessages.class, SmscLinkConfig.LongMessages.UDH);
      SmscLinkConfig.ReceiptIdFormat receiptIds = choice(settings, path, "receipt-id-format", SmscLinkConfig.ReceiptIdFormat.class,
         SmscLinkConfig.ReceiptIdFormat.AS_GIVEN);
      if (!version34 && longMessages != SmscLinkConfig.LongMessages.UDH && settings.containsKey("long-messages")) {
         problem(settings.get("long-messages").origin(), path + ".long-messages", "SAR TLVs and message_payload need SMPP 3.4");
      }
      DefaultAlphabet alphabet = choice(settings, path, "default-alphabet", DefaultAlphabet.class, DefaultAlphabet.GSM7);
      int maxUnanswered = wholeNumber(settings, path, "max-unanswered-attempts", SmscLinkConfig.DEFAULT_MAX_UNANSWERED_ATTEMPTS, 1);
      SmscLinkConfig.OnUnanswered onUnanswered = choice(settings, path, "on-unanswered", SmscLinkConfig.OnUnanswered.class,
         SmscLinkConfig.OnUnanswered.REBIND);
      // 0 is allowed here: it turns the link-wide pause off (each throttled part still waits its own backoff).
      java.time.Duration throttlePause = duration(settings, path, "throttle-pause", SmscLinkConfig.DEFAULT_THROTTLE_PAUSE);
      int addrTon = octet(settings, path, "addr-ton");
      int addrNpi = octet(settings, path, "addr-npi");
      // C-Octet String of at most 41 octets with its NUL (SMPP 3.4 4.1.1)
      String addressRange = optionalString(settings, path, "address-range", 40, "");
      if (!addressRange.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
         problem(settings.get("address-range").origin(), path + ".address-range", "must be printable ASCII, got \"" + addressRange + "\"");
      }
      // On by default: SMSCs that send receipts with esm_class 0 exist, and an SMSC that flags them right loses nothing.
      boolean receiptsByContent = bool(settings, path, "receipts-by-content", true);
      int maxUnansweredDeliveries = wholeNumber(settings, path, "max-unanswered-deliveries",
         SmscLinkConfig.DEFAULT_MAX_UNANSWERED_DELIVERIES, 1);
      // Links bound to one SMSC account share their correlation records by default (see sharedCorrelationGroups): the
      // SMSC hands the account's receipts to any of its binds. Until then a link's group is its own name.
      String correlationGroup = optionalString(settings, path, "correlation-group", SmscLinkConfig.MAX_CORRELATION_GROUP, "");
      if (settings.containsKey("correlation-group")) {
         if (correlationGroup.isEmpty() || containsSpaceOrControl(correlationGroup)) {
            problem(settings.get("correlation-group").origin(), path + ".correlation-group", "must be 1-"
                    + SmscLinkConfig.MAX_CORRELATION_GROUP + " characters without spaces");
         }
         namedCorrelationGroups.add(id);
      } else {
         correlationGroup = id;
      }
      if (problems.size() != problemsBefore) {
         return null;
      }
      return new SmscLinkConfig(id, host, port, systemId, password, systemType, version34, bind, window, rate, enquire,
         responseTimeout, reconnectMin, reconnectMax, tls.enabled(), tls.trustStore(), tls.trustStorePassword(),
         tls.keyStore(), tls.keyStorePassword(), tls.keyAlias(), tls.verifyHost(), sourceOverride, sourceTon, sourceNpi, destinationTon, destinationNpi,
         dataCoding.equals("ucs2"), longMessages, receiptIds, alphabet, maxUnanswered, onUnanswered,
         throttlePause, addrTon, addrNpi, addressRange, receiptsByContent, maxUnansweredDeliveries, correlationGroup);
   }

   /**
    * An outgoing connection's TLS settings ({@code who} names it in the problems: "the link"). A trust or key store
    * setting without {@code tls = true} is a problem (decision 126): the connection would go in plain text while the
    * file says otherwise. The stores are checked to be readable files here; their content when the connection's TLS
    * context is built at start. With {@code identity} (a peer, gns) also the certificate the other gateway must
    * present, {@code tls-peer-name} and {@code tls-peer-sha256}, which need {@code tls = true} as well.
    */
   private TlsClientConfig tlsClient(ConfigObject settings, String path, String who, boolean identity) {
      boolean tls = bool(settings, path, "tls", false);
      String trustStore = optionalString(settings, path, "tls-trust-store", 4096, "");
      ConfigValue trustPasswordValue = settings.get("tls-trust-store-password");
      String trustStorePassword = trustPasswordValue == null ? "" : string(trustPasswordValue, path + ".tls-trust-store-password", true);
      if (!trustStore.isEmpty() && !java.nio.file.Files.isReadable(java.nio.file.Path.of(trustStore))) {
         problem(settings.get("tls-trust-store").origin(), path + ".tls-trust-store", "no readable file \"" + trustStore + "\"");
      }
      if (!tls) {
         // Without TLS the connection is plain text, and the operator would believe it checks the server's certificate.
         // An empty store or password (the documented "none") claims nothing; tls-verify-host does whatever its value.
         for (String key : List.of("tls-trust-store", "tls-trust-store-password", "tls-verify-host")) {
            ConfigValue tlsSetting = settings.get(key);
            if (tlsSetting != null && !"".equals(tlsSetting.unwrapped())) {
               problem(tlsSetting.origin(), path + "." + key,
                  "needs tls = true: without it " + who + " connects in plain text (set tls = true, or remove " + key + ")");
            }
         }
      }
      String keyStore = optionalString(settings, path, "tls-key-store", 4096, "");
      ConfigValue keyPasswordValue = settings.get("tls-key-store-password");
      String keyStorePassword = keyPasswordValue == null ? "" : string(keyPasswordValue, path + ".tls-key-store-password", true);
      String keyAlias = optionalString(settings, path, "tls-key-alias", 255, "");
      if (!keyStore.isEmpty() && !java.nio.file.Files.isReadable(java.nio.file.Path.of(keyStore))) {
         problem(settings.get("tls-key-store").origin(), path + ".tls-key-store", "no readable file \"" + keyStore + "\"");
      } else if (!keyStore.isEmpty() && !tls) {
         // Without TLS nothing would be presented, and the operator would believe it is.
         problem(settings.get("tls-key-store").origin(), path + ".tls-key-store", "needs tls = true");
      }
      if (!keyAlias.isEmpty() && keyStore.isEmpty()) {
         problem(settings.get("tls-key-alias").origin(), path + ".tls-key-alias", "needs a tls-key-store");
      }
      boolean verifyHost = bool(settings, path, "tls-verify-host", true);
      TlsPeerIdentity peer = identity ? peerIdentity(settings, path, tls) : TlsPeerIdentity.NONE;
      return new TlsClientConfig(tls, trustStore, trustStorePassword == null ? "" : trustStorePassword, keyStore,
         keyStorePassword == null ? "" : keyStorePassword, keyAlias, verifyHost, peer);
   }

   /**
    * {@code tls-peer-name} and {@code tls-peer-sha256}: one string or a list of them (several while a certificate is
    * replaced). Without {@code tls = true} a problem: the outgoing connection would be plain text while the file pins
    * the other end's certificate (and a peer's identity is checked in both directions).
    */
   private TlsPeerIdentity peerIdentity(ConfigObject settings, String path, boolean tls) {
      List<String> names = new ArrayList<>();
      for (String name : stringOrList(settings, path, "tls-peer-name")) {
         if (name.isBlank() || name.length() > 255 || name.startsWith("*")) {
            problem(settings.get("tls-peer-name").origin(), path + ".tls-peer-name",
               "expected a host name as the certificate names it (no wildcard), got \"" + name + "\"");
         } else {
            names.add(name);
         }
      }
      List<String> fingerprints = new ArrayList<>();
      for (String text : stringOrList(settings, path, "tls-peer-sha256")) {
         String fingerprint = TlsPeerIdentity.parseSha256(text);
         if (fingerprint == null) {
            problem(settings.get("tls-peer-sha256").origin(), path + ".tls-peer-sha256",
               "expected a SHA-256 fingerprint, 32 hex pairs (AB:CD:...), got \"" + text + "\"");
         } else {
            fingerprints.add(fingerprint);
         }
      }
      if (!tls) {
         for (String key : List.of("tls-peer-name", "tls-peer-sha256")) {
            if (settings.get(key) != null) {
               problem(settings.get(key).origin(), path + "." + key,
                  "needs tls = true: the other gateway's certificate is checked only over TLS (set tls = true, or remove " + key + ")");
            }
         }
      }
      return new TlsPeerIdentity(names, fingerprints);
   }

   /** A string or a non-empty list of strings; nothing when absent. */
   private List<String> stringOrList(ConfigObject settings, String path, String key) {
      ConfigValue value = settings.get(key);
      if (value == null) {
         return List.of();
      }
      if (value.valueType() != ConfigValueType.LIST) {
         String one = string(value, path + "." + key, false);
         return one == null ? List.of() : List.of(one);
      }
      List<String> out = new ArrayList<>();
      for (ConfigValue each : (ConfigList) value) {
         String one = string(each, path + "." + key, false);
         if (one != null) {
            out.add(one);
         }
      }
      if (out.isEmpty()) {
         problem(value.origin(), path + "." + key, "must list at least one; leave it out to take any trusted certificate");
      }
      return out;
   }

   /** A submit's TON or NPI: one octet (0-255), or -1 (the default) to keep the one the message came with. */
   private int octetOrKeep(ConfigObject settings, String path, String key) {
      int value = wholeNumber(settings, path, key, -1, -1);
      if (value > 255) {
         // The PDU carries one octet: 300 would go out as 44.
         problem(settings.get(key).origin(), path + "." + key, "must be -1 (keep the message's) or 0-255, got " + value);
         return -1;
      }
      return value;
   }

   /** A bind's addr_ton or addr_npi: one octet, 0 when absent. */
   private int octet(ConfigObject settings, String path, String key) {
      return wholeNumber(settings, path, key, 0, 0, 255);
   }

   private String requiredString(ConfigObject settings, String path, String key, int maxLength, boolean secret) {
      ConfigValue value = settings.get(key);
      if (value == null) {
         problem(settings.origin(), path + "." + key, "required");
         return "";
      }
      String text = string(value, path + "." + key, secret);
      if (text == null) {
         return "";
      }
      if (text.isEmpty() || text.length() > maxLength) {
         problem(value.origin(), path + "." + key, "must be 1-" + maxLength + " characters"
            + (secret ? "" : ", got \"" + text + "\""));
      }
      return text;
   }

   private String optionalString(ConfigObject settings, String path, String key, int maxLength, String defaultValue) {
      ConfigValue value = settings.get(key);
      if (value == null) {
         return defaultValue;
      }
      String text = string(value, path + "." + key, false);
      if (text == null) {
         return defaultValue;
      }
      if (text.length() > maxLength) {
         problem(value.origin(), path + "." + key, "must be at most " + maxLength + " characters, got \"" + text + "\"");
      }
      return text;
   }

   private boolean bool(ConfigObject settings, String path, String key, boolean defaultValue) {
      ConfigValue value = settings.get(key);
      if (value == null) {
         return defaultValue;
      }
      if (value.valueType() == ConfigValueType.BOOLEAN) {
         return (Boolean) value.unwrapped();
      }
      problem(value.origin(), path + "." + key, "expected true or false, got " + describe(value));
      return defaultValue;
   }

   private java.time.Duration duration(ConfigObject settings, String path, String key, java.time.Duration defaultValue) {
      ConfigValue value = settings.get(key);
      if (value == null) {
         return defaultValue;
      }
      try {
         java.time.Duration d = value.atKey("d").getDuration("d");
         if (d.isNegative()) {
            problem(value.origin(), path + "." + key, "must not be negative");
            return defaultValue;
         }
         return d;
      } catch (com.typesafe.config.ConfigException e) {
         problem(value.origin(), path + "." + key, "expected a duration such as 30s or 500ms, got " + describe(value));
         return defaultValue;
      }
   }

   /** An enum value written in lower case with dashes, e.g. transmitter-receiver. */
   private <E extends Enum<E>> E choice(ConfigObject settings, String path, String key, Class<E> type, E defaultValue) {
      ConfigValue value = settings.get(key);
      if (value == null) {
         return defaultValue;
      }
      String text = string(value, path + "." + key, false);
      if (text != null) {
         for (E constant : type.getEnumConstants()) {
            if (constant.name().replace('_', '-').equalsIgnoreCase(text)) {
               return constant;
            }
         }
      }
      List<String> names = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
         names.add(constant.name().replace('_', '-').toLowerCase(Locale.ROOT));
      }
      problem(value.origin(), path + "." + key, "must be one of " + String.join(", ", names) + ", got " + describe(value));
      return defaultValue;
   }

   private void checkId(String id, ConfigObject settings, String path, Set<AccessProtocol> protocols) {
      if (id.isEmpty() || containsSpaceOrControl(id)) {
         problem(settings.origin(), path, "account id must be non-empty and without spaces");
      } else if (protocols.contains(AccessProtocol.CMPP) && id.length() > CMPP_MAX_ID) {
         problem(settings.origin(), path,
            "account id must be at most " + CMPP_MAX_ID + " characters for CMPP (Source_Addr is 6 bytes); "
               + "set protocols = [SMPP] for an SMPP-only account");
      } else if (protocols.contains(AccessProtocol.SMPP) && id.length() > SMPP_MAX_ID) {
         problem(settings.origin(), path,
            "account id must be at most " + SMPP_MAX_ID + " characters for SMPP (system_id is a C-Octet String of 16 bytes)");
      }
   }

   /**
    * The protocols of an account that does not list them: both, less CMPP when the id is longer than CMPP's 6-byte
    * Source_Addr (an SMPP system_id such as "smppclient1" could never CONNECT). Logged, so an SP that tries CMPP with
    * it is not left guessing. Nothing is refused here: SMPP binds take longer ids and passwords than the spec's
    * limits, and accounts that rely on that kept working when the limits were first checked for listed protocols.
    */
   private Set<AccessProtocol> protocolsThatFit(String id, String path) {
      if (id.length() <= CMPP_MAX_ID) {
         return EnumSet.allOf(AccessProtocol.class);
      }
      logger.info("{}: SMPP only, its id is longer than CMPP's {} characters (write protocols = [SMPP] to say so)",
                  path, CMPP_MAX_ID);
      return EnumSet.of(AccessProtocol.SMPP);
   }

   private Set<AccessProtocol> protocols(ConfigObject settings, String path) {
      ConfigValue value = settings.get("protocols");
      if (value == null) {
         return EnumSet.allOf(AccessProtocol.class);
      }
      String field = path + ".protocols";
      List<ConfigValue> entries = list(value, field);
      if (entries == null) {
         return EnumSet.allOf(AccessProtocol.class); // problem already noted; keeps later checks quiet
      }
      if (entries.isEmpty()) {
         problem(value.origin(), field, "must name at least one of SMPP, CMPP");
         return EnumSet.allOf(AccessProtocol.class);
      }
      Set<AccessProtocol> protocols = EnumSet.noneOf(AccessProtocol.class);
      forEachString(entries, field, (entry, where, text) -> {
         AccessProtocol protocol = protocolNamed(text);
         if (protocol == null) {
            problem(entry.origin(), where, "unknown protocol \"" + text + "\", expected SMPP or CMPP");
         } else {
            protocols.add(protocol);
         }
      });
      return protocols.isEmpty() ? EnumSet.allOf(AccessProtocol.class) : protocols;
   }

   private static AccessProtocol protocolNamed(String text) {
      for (AccessProtocol protocol : AccessProtocol.values()) {
         if (protocol.name().equalsIgnoreCase(text)) {
            return protocol;
         }
      }
      return null;
   }

   /** A list of non-empty strings without spaces, each at most {@code maxLength} characters. */
   private Set<String> strings(ConfigObject settings, String path, String key, int maxLength) {
      return strings(settings, path, key, maxLength, false);
   }

   /** @param emptyAllowed whether "" is a meaningful entry (billing's "no fee type") */
   private Set<String> strings(ConfigObject settings, String path, String key, int maxLength, boolean emptyAllowed) {
      Set<String> out = new LinkedHashSet<>();
      String field = path + "." + key;
      forEachString(optionalList(settings.get(key), field), field, (entry, where, text) -> {
         if ((text.isEmpty() && !emptyAllowed) || containsSpaceOrControl(text)) {
            problem(entry.origin(), where, "must be non-empty and without spaces, got \"" + text + "\"");
         } else if (text.length() > maxLength) {
            problem(entry.origin(), where, "must be at most " + maxLength + " characters, got \"" + text + "\"");
         } else {
            out.add(text);
         }
      });
      return out;
   }

   private List<CidrBlock> addressBlocks(ConfigObject settings, String path) {
      List<CidrBlock> out = new ArrayList<>();
      String field = path + ".allowed-ips";
      forEachString(optionalList(settings.get("allowed-ips"), field), field, (entry, where, text) -> {
         try {
            out.add(CidrBlock.parse(text));
         } catch (IllegalArgumentException e) {
            problem(entry.origin(), where, "bad IP address or CIDR block \"" + text + "\": " + e.getMessage());
         }
      });
      return out;
   }

   private int wholeNumber(ConfigObject settings, String path, String key, int defaultValue, int minimum) {
      ConfigValue value = settings.get(key);
      if (value == null) {
         return defaultValue;
      }
      String field = path + "." + key;
      Integer number = null;
      if (value.valueType() == ConfigValueType.NUMBER && value.unwrapped() instanceof Integer integer) {
         number = integer;
      } else if (value.valueType() == ConfigValueType.STRING) {
         number = parseInt((String) value.unwrapped());
      }
      if (number == null) {
         problem(value.origin(), field, "expected a whole number, got " + describe(value));
         return defaultValue;
      }
      if (number < minimum) {
         problem(value.origin(), field, "must be >= " + minimum + ", got " + number);
         return defaultValue;
      }
      return number;
   }

   /**
    * As above, and at most {@code maximum} (a port, an octet of a PDU): a larger number is reported and returned as
    * written, since the load fails anyway.
    */
   private int wholeNumber(ConfigObject settings, String path, String key, int defaultValue, int minimum, int maximum) {
      int number = wholeNumber(settings, path, key, defaultValue, minimum);
      if (number > maximum) {
         problem(settings.get(key).origin(), path + "." + key, "must be <= " + maximum + ", got " + number);
      }
      return number;
   }

   /** HOCON reads unquoted 001001 as a number: keep the text as written, leading zeros included. */
   private String string(ConfigValue value, String field, boolean secret) {
      ConfigValueType type = value.valueType();
      if (type == ConfigValueType.STRING) {
         return (String) value.unwrapped();
      }
      if (type == ConfigValueType.NUMBER) {
         return value.atKey("v").getString("v");
      }
      problem(value.origin(), field, "expected a string, got " + (secret ? typeName(value) : describe(value)));
      return null;
   }

   private List<ConfigValue> list(ConfigValue value, String field) {
      if (value.valueType() != ConfigValueType.LIST) {
         problem(value.origin(), field, "expected a list [...], got " + describe(value));
         return null;
      }
      return (ConfigList) value;
   }

   /** The entries of an optional list: none when {@code value} is absent, or is no list (which is reported). */
   private List<ConfigValue> optionalList(ConfigValue value, String field) {
      List<ConfigValue> entries = value == null ? null : list(value, field);
      return entries == null ? List.of() : entries;
   }

   /** What {@link #forEachString} hands over: the entry, its path ({@code field[i]}) and its text. */
   @FunctionalInterface
   private interface StringEntry {
      void accept(ConfigValue entry, String where, String text);
   }

   /** Calls {@code body} with each entry of the list at {@code field} that is a string; the others are reported. */
   private void forEachString(List<ConfigValue> entries, String field, StringEntry body) {
      for (int i = 0; i < entries.size(); i++) {
         ConfigValue entry = entries.get(i);
         String where = field + "[" + i + "]";
         String text = string(entry, where, false);
         if (text != null) {
            body.accept(entry, where, text);
         }
      }
   }

   /**
    * An entry of a section keyed by name (an account, a link, a peer) as an object, its keys checked; null, reported,
    * when it is no object. {@code whose} names it in the problem: "the link's".
    */
   private ConfigObject settingsObject(ConfigValue value, String path, String whose, List<String> keys) {
      if (value.valueType() != ConfigValueType.OBJECT) {
         problem(value.origin(), path, "expected an object with " + whose + " settings, got " + typeName(value));
         return null;
      }
      ConfigObject settings = (ConfigObject) value;
      checkKeys(settings, path, keys);
      return settings;
   }

   /**
    * Reads each entry of an optional section keyed by name, in file order, and keeps those read without a problem
    * ({@code read} answers null for the others, whose problems are noted).
    */
   private <T> List<T> namedEntries(ConfigObject section, BiFunction<String, ConfigValue, T> read) {
      List<T> out = new ArrayList<>();
      if (section == null) {
         return out;
      }
      for (Map.Entry<String, ConfigValue> entry : inFileOrder(section)) {
         T one = read.apply(entry.getKey(), entry.getValue());
         if (one != null) {
            out.add(one);
         }
      }
      return out;
   }

   private ConfigObject object(ConfigObject parent, String key, boolean required) {
      ConfigValue value = parent.get(key);
      if (value == null) {
         if (required) {
            problem(parent.origin(), key, "required section is missing");
         }
         return null;
      }
      if (value.valueType() != ConfigValueType.OBJECT) {
         problem(value.origin(), key, "expected an object { ... }, got " + typeName(value));
         return null;
      }
      return (ConfigObject) value;
   }

   private void checkKeys(ConfigObject object, String path, List<String> known) {
      for (Map.Entry<String, ConfigValue> entry : inFileOrder(object)) {
         if (!known.contains(entry.getKey())) {
            String field = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
            problem(entry.getValue().origin(), field, "unknown key, expected one of " + String.join(", ", known));
         }
      }
   }

   private void problem(ConfigOrigin origin, String field, String message) {
      problems.add(new Problem(sourceName(origin, sourceName), line(origin), where(origin, sourceName) + ": " + field + ": " + message));
   }

   /** "file line N", naming the file the value came from (included files keep their own name). */
   static String where(ConfigOrigin origin, String fallbackName) {
      String name = sourceName(origin, fallbackName);
      int line = line(origin);
      return line > 0 ? name + " line " + line : name;
   }

   private static String sourceName(ConfigOrigin origin, String fallbackName) {
      if (origin != null) {
         if (origin.filename() != null) {
            return origin.filename();
         } else if (origin.url() != null) {
            return origin.url().toString();
         } else if (origin.resource() != null) {
            return origin.resource();
         }
      }
      return fallbackName;
   }

   private static int line(ConfigOrigin origin) {
      return origin == null ? -1 : origin.lineNumber();
   }

   private record Problem(String source, int line, String text) {
   }

   private static List<Map.Entry<String, ConfigValue>> inFileOrder(ConfigObject object) {
      List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(object.entrySet());
      entries.sort(BY_LINE);
      return entries;
   }

   private static Integer parseInt(String text) {
      try {
         return Integer.valueOf(text.trim());
      } catch (NumberFormatException e) {
         return null;
      }
   }

   private static String describe(ConfigValue value) {
      return switch (value.valueType()) {
         case STRING -> "string \"" + value.unwrapped() + "\"";
         case NUMBER, BOOLEAN -> typeName(value) + " " + value.unwrapped();
         default -> typeName(value);
      };
   }

   private static String typeName(ConfigValue value) {
      return value.valueType().name().toLowerCase(Locale.ROOT);
   }

   private static boolean containsSpaceOrControl(String text) {
      for (int i = 0; i < text.length(); i++) {
         if (text.charAt(i) <= ' ' || Character.isWhitespace(text.charAt(i))) {
            return true;
         }
      }
      return false;
   }
}
