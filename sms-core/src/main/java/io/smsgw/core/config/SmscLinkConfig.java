package io.smsgw.core.config;

import java.time.Duration;
import java.util.Objects;

import io.smsgw.core.text.DefaultAlphabet;

/**
 * One outbound link to an upstream SMSC, where the gateway is an SMPP ESME ({@code links} section of
 * {@code sms-gateway.conf}). The link consumes the queue {@code sms.smsc.<id>}.
 *
 * @param id                  link name, also the suffix of its queue
 * @param host                SMSC host
 * @param port                SMSC port
 * @param systemId            bind system_id (at most 15 characters)
 * @param password            bind password (at most 8 characters); never logged
 * @param systemType          bind system_type
 * @param version34           interface version 3.4 (true) or 3.3
 * @param bindMode            one transceiver, or a transmitter and a receiver
 * @param window              messages taken from the link's queue and not yet resolved, at most (all parts of a long
 *                            message count as one; those waiting for maxSubmitRate count too), and submit_sm sent
 *                            and not yet answered, at most
 * @param maxSubmitRate       submits per second, 0 = unlimited
 * @param enquireLinkInterval idle time before an enquire_link
 * @param responseTimeout     time to wait for any response before the session is considered broken
 * @param reconnectMin        first reconnect delay; doubles up to reconnectMax
 * @param reconnectMax        longest reconnect delay
 * @param tls                 connect with TLS
 * @param trustStore          PKCS12 or JKS file with the certificates to trust for TLS; "" = the JDK's defaults
 * @param trustStorePassword  its password ("" when none); never logged
 * @param keyStore            PKCS12 or JKS file with the client certificate and key the link presents for mutual TLS;
 *                            "" = none
 * @param keyStorePassword    its password, also the key's ("" when none); never logged
 * @param keyAlias            the key store entry to present; "" = its only key entry
 * @param verifyHost          check that the SMSC's certificate names {@code host} (HTTPS endpoint identification)
 * @param sourceOverride      replaces every MT's source address when not empty
 * @param sourceTon           TON for source addresses (-1 = keep the message's)
 * @param sourceNpi           NPI for source addresses (-1 = keep the message's)
 * @param destinationTon      TON for destination addresses (-1 = keep the message's)
 * @param destinationNpi      NPI for destination addresses (-1 = keep the message's)
 * @param ucs2Only            always send text as UCS2 (else GSM 7-bit when the text allows)
 * @param longMessages        how text longer than one segment is sent
 * @param receiptIdFormat     how receipts write the id the SMSC gave in submit_sm_resp
 * @param defaultAlphabet     what data_coding 0 means to this SMSC, in MT it is sent and MO it sends (receipts are read
 *                            as ASCII text whatever it says)
 * @param maxUnansweredAttempts times a submit_sm may go unanswered for responseTimeout before its MT ends with an
 *                            UNKNOWN report instead of being sent again (at least 1)
 * @param onUnanswered        what a submit_sm unanswered for responseTimeout does to the bind
 * @param addrTon             bind addr_ton (0 by default)
 * @param addrNpi             bind addr_npi (0 by default)
 * @param addressRange        bind address_range, the addresses the SMSC routes to this bind ("" by default)
 * @param receiptsByContent   a deliver_sm or data_sm of the default message type (esm_class bits 5-2 = 0) is a receipt
 *                            too when it carries receipted_message_id or a strict receipt text (decision 118); else
 *                            only esm_class says what is a receipt
 * @param maxUnansweredDeliveries deliver_sm / data_sm the link has taken and not yet answered (their receipt or MO not
 *                            yet stored) at which it stops reading from the SMSC, until half are answered (at least 1)
 * @param correlationGroup    the namespace its correlation records are kept in: links with the same group find each
 *                            other's records, so a receipt the SMSC hands to any bind of the account matches; by default
 *                            the first name, in sorted order, of the links bound to its SMSC account that name no group
 *                            ({@link #sameAccount}), which for a link alone on its account is its own name
 */
public record SmscLinkConfig(String id, String host, int port, String systemId, String password, String systemType,
                             boolean version34, BindMode bindMode, int window, int maxSubmitRate,
                             Duration enquireLinkInterval, Duration responseTimeout, Duration reconnectMin,
                             Duration reconnectMax, boolean tls, String trustStore, String trustStorePassword,
                             String keyStore, String keyStorePassword, String keyAlias, boolean verifyHost,
                             String sourceOverride, int sourceTon, int sourceNpi,
                             int destinationTon, int destinationNpi, boolean ucs2Only, LongMessages longMessages,
                             ReceiptIdFormat receiptIdFormat, DefaultAlphabet defaultAlphabet, int maxUnansweredAttempts,
                             OnUnanswered onUnanswered, Duration throttlePause, int addrTon, int addrNpi,
                             String addressRange, boolean receiptsByContent, int maxUnansweredDeliveries,
                             String correlationGroup) {

   public enum BindMode { TRANSCEIVER, TRANSMITTER_RECEIVER }

   public enum LongMessages { UDH, SAR, PAYLOAD }

   /**
    * How the SMSC writes message ids in receipts relative to submit_sm_resp: identical, or the same number in
    * decimal (resp gave hex) or hex (resp gave decimal). Receipts are normalised to the resp's form.
    */
   public enum ReceiptIdFormat { AS_GIVEN, DECIMAL_IN_RECEIPT, HEX_IN_RECEIPT }

   /** Default of {@code max-unanswered-attempts}. */
   public static final int DEFAULT_MAX_UNANSWERED_ATTEMPTS = 3;

   /** Default of {@code max-unanswered-deliveries}. */
   public static final int DEFAULT_MAX_UNANSWERED_DELIVERIES = 1000;

   /** Longest {@code correlation-group}: the longest key part a correlation record holds. */
   public static final int MAX_CORRELATION_GROUP = 255;

   /** Default of {@code throttle-pause}. */
   public static final Duration DEFAULT_THROTTLE_PAUSE = Duration.ofMillis(100);

   /** The longest throttling pause, in multiples of {@code throttle-pause} (100 ms grows to 3.2 s). */
   public static final int THROTTLE_PAUSE_GROWTH = 32;

   /**
    * REBIND: the link drops the bind and resends every part still unanswered after a fresh bind. REQUEUE: only the
    * unanswered part goes again and the bind stays, as long as the SMSC still answers (an enquire_link says so when
    * nothing else came since the part went out); an SMSC that answers nothing any more is rebound as with REBIND.
    */
   public enum OnUnanswered { REBIND, REQUEUE }

   public SmscLinkConfig {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(defaultAlphabet, "defaultAlphabet");
      Objects.requireNonNull(onUnanswered, "onUnanswered");
      Objects.requireNonNull(throttlePause, "throttlePause");
      Objects.requireNonNull(addressRange, "addressRange");
      Objects.requireNonNull(correlationGroup, "correlationGroup");
      if (correlationGroup.isEmpty() || correlationGroup.length() > MAX_CORRELATION_GROUP) {
         throw new IllegalArgumentException("correlationGroup must have 1.." + MAX_CORRELATION_GROUP + " characters");
      }
      if (maxUnansweredDeliveries < 1) {
         throw new IllegalArgumentException("maxUnansweredDeliveries must be at least 1, got " + maxUnansweredDeliveries);
      }
   }

   /** Whether both links bind to one SMSC account: the same system-id at the same host (in any letter case) and port. */
   public boolean sameAccount(SmscLinkConfig other) {
      return systemId.equals(other.systemId) && host.equalsIgnoreCase(other.host) && port == other.port;
   }

   /** This link with another correlation group. */
   public SmscLinkConfig withCorrelationGroup(String group) {
      return new SmscLinkConfig(id, host, port, systemId, password, systemType, version34, bindMode, window, maxSubmitRate,
         enquireLinkInterval, responseTimeout, reconnectMin, reconnectMax, tls, trustStore, trustStorePassword, keyStore,
         keyStorePassword, keyAlias, verifyHost, sourceOverride, sourceTon, sourceNpi, destinationTon, destinationNpi,
         ucs2Only, longMessages, receiptIdFormat, defaultAlphabet, maxUnansweredAttempts, onUnanswered, throttlePause,
         addrTon, addrNpi, addressRange, receiptsByContent, maxUnansweredDeliveries, group);
   }

   /** The link's TLS settings, as FWD links and the GNS client have them too. */
   public TlsClientConfig tlsClient() {
      return new TlsClientConfig(tls, trustStore, trustStorePassword, keyStore, keyStorePassword, keyAlias, verifyHost);
   }

   @Override
   public String toString() {
      return "SmscLink[" + id + " " + systemId + "@" + host + ":" + port + (version34 ? " 3.4 " : " 3.3 ") + bindMode + "]";
   }
}
