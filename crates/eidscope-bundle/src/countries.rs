//! Country codes a document may carry: ISO 3166-1 alpha-3, plus the codes ICAO 9303 adds for
//! travel documents (`D` for Germany, `UTO` for the specimen Utopia, the `XX?` refugee and
//! stateless codes, UN and EU bodies). Kept as one sorted table: ten lines beat a crate.

const ISO_ALPHA3: &str = "ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA \
BGD BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD \
COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH \
FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG \
HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM KIR KNA \
KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT \
MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN \
PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN \
SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM \
TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF \
ZMB ZWE";

const ICAO_EXTRA: &str =
    "D GBD GBN GBO GBP GBS RKS UTO XXA XXB XXC XXX XOM XPO XES XCC XBA XIM EUE UNO UNA UNK XDC";

/// Whether `code` (any letter case, surrounding `<` fillers ignored) is a known country code.
pub fn is_known_country(code: &str) -> bool {
    let code = code.trim().trim_matches('<').to_ascii_uppercase();
    !code.is_empty()
        && ISO_ALPHA3
            .split_ascii_whitespace()
            .chain(ICAO_EXTRA.split_ascii_whitespace())
            .any(|c| c == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_codes() {
        assert_eq!(ISO_ALPHA3.split_ascii_whitespace().count(), 249);
        for code in ["PRT", "prt", "UTO", "D<<", "XXA", "NOR"] {
            assert!(is_known_country(code), "{code}");
        }
        for code in ["ZZZ", "", "PT", "PORTUGAL", "<<<"] {
            assert!(!is_known_country(code), "{code}");
        }
    }
}
