package io.smsgw.examples.multigateway;

import java.util.Arrays;
import java.util.Locale;

/**
 * The five gateways of the multi-gateway example: the tandem gateway, which only answers route questions, and
 * four regional gateways, each with a carrier SMSC for its own number segment.
 */
public enum Site {

   TANDEM("000001", null, null),
   BEIJING("001001", "north", "1390100"),
   GUANGZHOU("020001", "south", "1380200"),
   TIANJIN("022001", "north", "1390220"),
   GUANGXI("077101", "south", "1380771");

   private final String code;
   private final String region;
   private final String numberSegment;

   Site(String code, String region, String numberSegment) {
      this.code = code;
      this.region = region;
      this.numberSegment = numberSegment;
   }

   /** The 6-digit gateway code (gateway.code, CONNECT Source_Addr of its FWD and GNS sessions). */
   public String code() {
      return code;
   }

   /** north or south; null for the tandem gateway. */
   public String region() {
      return region;
   }

   /** The first 7 digits of the handsets its carrier SMSC serves; null for the tandem gateway. */
   public String numberSegment() {
      return numberSegment;
   }

   /** Whether it serves handsets through a carrier SMSC (every gateway but the tandem). */
   public boolean hasCarrier() {
      return numberSegment != null;
   }

   /** A handset of this gateway's segment: the segment followed by {@code subscriber} (4 digits). */
   public String handset(int subscriber) {
      if (!hasCarrier()) {
         throw new IllegalStateException(id() + " serves no handsets");
      }
      return numberSegment + String.format(Locale.ROOT, "%04d", subscriber);
   }

   /** The lower-case name used for folders, template files and tokens. */
   public String id() {
      return name().toLowerCase(Locale.ROOT);
   }

   /** The site named {@code id} (any case). @throws IllegalArgumentException naming the sites there are */
   public static Site of(String id) {
      for (Site site : values()) {
         if (site.id().equalsIgnoreCase(id.trim())) {
            return site;
         }
      }
      throw new IllegalArgumentException("no gateway \"" + id + "\"; the gateways are "
                                            + Arrays.stream(values()).map(Site::id).toList());
   }
}
