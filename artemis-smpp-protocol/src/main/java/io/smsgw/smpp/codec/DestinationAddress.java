package io.smsgw.smpp.codec;

/**
 * One entry of a submit_multi (or query_msg_details_resp) destination list: either an SME
 * address (dest_flag 1) or a distribution list name (dest_flag 2, dl_name C21).
 */
public sealed interface DestinationAddress {

    /** dest_flag value of an SME address. */
    int SME_ADDRESS_FLAG = 1;
    /** dest_flag value of a distribution list. */
    int DISTRIBUTION_LIST_FLAG = 2;

    /** The dest_flag written before this entry. */
    int destFlag();

    /** dest_flag 1: dest_addr_ton, dest_addr_npi, destination_addr C21. */
    record Sme(Address address) implements DestinationAddress {
        public Sme {
            address = Fields.address(address);
        }

        @Override
        public int destFlag() {
            return SME_ADDRESS_FLAG;
        }
    }

    /** dest_flag 2: dl_name C21. */
    record DistributionList(String dlName) implements DestinationAddress {
        public DistributionList {
            dlName = Fields.str(dlName);
        }

        @Override
        public int destFlag() {
            return DISTRIBUTION_LIST_FLAG;
        }
    }
}
