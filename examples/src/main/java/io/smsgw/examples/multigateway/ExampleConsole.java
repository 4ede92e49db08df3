package io.smsgw.examples.multigateway;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.smsgw.simulator.MoMessage;

/**
 * The example's commands, typed on the terminal it runs in: an MO from a handset of a gateway, cutting and
 * restoring the Tianjin–Beijing link, what the carrier SMSCs received. Each command returns the text to print.
 */
final class ExampleConsole {

   static final String HELP = String.join(System.lineSeparator(),
      "Commands:",
      "  mo <gateway> <text>   an MO from handset <segment>0001 of tianjin, guangxi, beijing or guangzhou to Sina ("
         + MultiGatewayTopology.SINA_SERVICE_NUMBER + ")",
      "  cut                   cut the FWD links between tianjin and beijing (both directions)",
      "  restore               let them connect again",
      "  submits               the submit_sm each carrier SMSC accepted (MT that left the network)",
      "  status                per gateway: carrier link bound or not, sms.* queues holding messages",
      "  help                  this list; Ctrl-C stops everything");

   private static final long INJECT_TIMEOUT_SECONDS = 10;

   private final MultiGatewayTopology topology;

   ExampleConsole(MultiGatewayTopology topology) {
      this.topology = topology;
   }

   /** Runs one command line; never throws for bad input, the answer says what is wrong. */
   String handle(String line) {
      List<String> words = Arrays.asList(line.trim().split("\\s+", 3));
      try {
         return switch (words.get(0)) {
            case "" -> "";
            case "mo" -> mo(words);
            case "cut" -> {
               topology.cut(Site.TIANJIN, Site.BEIJING);
               yield "FWD links tianjin <-> beijing cut: MO from Tianjin for Sina now wait at Tianjin (queue sms.gw." + Site.BEIJING.code() + ")";
            }
            case "restore" -> {
               topology.restore(Site.TIANJIN, Site.BEIJING);
               yield "FWD links tianjin <-> beijing restored: Tianjin reconnects and forwards what waited";
            }
            case "submits" -> submits();
            case "status" -> status();
            case "help" -> HELP;
            default -> "Unknown command \"" + words.get(0) + "\". " + HELP;
         };
      } catch (RuntimeException e) {
         return "Failed: " + e.getMessage();
      }
   }

   private String mo(List<String> words) {
      if (words.size() < 3) {
         return "Usage: mo <gateway> <text>, e.g. mo tianjin Hello Sina";
      }
      Site site = Site.of(words.get(1));
      String handset = site.handset(1);
      try {
         int status = topology.node(site).carrier()
            .injectMo(site.id(), MoMessage.text(handset, MultiGatewayTopology.SINA_SERVICE_NUMBER, words.get(2)))
            .get(INJECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
         return status == 0
            ? "MO from " + handset + " taken by " + site.id() + " (deliver_sm_resp OK); watch Sina's connection"
            : "MO from " + handset + " refused by " + site.id() + " with command_status " + status;
      } catch (InterruptedException e) {
         Thread.currentThread().interrupt();
         return "Interrupted";
      } catch (Exception e) {
         return "MO not delivered to " + site.id() + ": " + e.getMessage() + " (is its SMSC link bound?)";
      }
   }

   private String status() {
      StringBuilder out = new StringBuilder();
      for (Site site : Site.values()) {
         GatewayNode node = topology.node(site);
         out.append(site.id());
         if (site.hasCarrier()) {
            out.append(node.carrierLinkBound() ? " (carrier link bound)" : " (carrier link DOWN)");
         }
         Map<String, Long> waiting = node.waitingMessages();
         out.append(": ").append(waiting.isEmpty() ? "no message waiting" : "waiting " + waiting).append(System.lineSeparator());
      }
      return out.toString().trim();
   }

   private String submits() {
      StringBuilder out = new StringBuilder();
      for (Site site : Site.values()) {
         if (site.hasCarrier()) {
            out.append(site.id()).append(": ");
            List<GatewayNode.CarrierSubmit> submits = topology.node(site).carrierSubmits();
            out.append(submits.isEmpty() ? "none" : submits.toString()).append(System.lineSeparator());
         }
      }
      return out.toString().trim();
   }
}
