/*
 * lid_markers: standard lexical and orthographic differences between
 * Croatian, Bosnian and Serbian (Latin script), and between Indonesian
 * and Malay, used where the n-gram model has no evidence to separate
 * them (its training text, Debian's UI catalogs, has near-identical hr
 * and bs catalogs and no Malay or Bosnian prose).
 *
 * This is prior knowledge, not a trained model.  The facts are those of
 * the descriptive literature and of each standard's reference works:
 *
 *  - the reflex of Common Slavic yat, ekavian in standard Serbian
 *    (mleko, reka, lepo, vreme, dete) and ijekavian in Croatian and
 *    Bosnian (mlijeko, rijeka, lijepo, vrijeme, dijete), and the
 *    Croatian, Bosnian and Serbian lexical pairs (tko/ko, tisuća/hiljada,
 *    kruh/hljeb/hleb, tjedan/sedmica, povijest/historija/istorija, the
 *    Croatian month names, -irati/-ovati, Bosnian h in lahko, mehko,
 *    kahva): W. Browne, "Serbo-Croat", in B. Comrie and G. G. Corbett
 *    (eds.), The Slavonic Languages (Routledge, 1993); R. D. Greenberg,
 *    Language and Identity in the Balkans (Oxford University Press,
 *    2004); the orthography manuals of each standard (Hrvatski pravopis
 *    of the Institut za hrvatski jezik i jezikoslovlje; S. Halilović,
 *    Pravopis bosanskoga jezika; Pravopis srpskoga jezika of Matica
 *    srpska);
 *  - the Indonesian and Malaysian Malay standards (karena/kerana,
 *    uang/wang, bahwa/bahawa, -itas/-iti, the month names, spelling of
 *    loans such as telepon/telefon): J. Sneddon, The Indonesian
 *    Language: Its History and Role in Modern Society (UNSW Press, 2003),
 *    and the standard dictionaries, KBBI (Badan Bahasa) and Kamus Dewan
 *    (Dewan Bahasa dan Pustaka).
 *
 * A word is listed only when it is the standard form in the languages it
 * names and not a common word of the others (so "video", "svet" (holy),
 * "neko" (some), "boleh", "polisi", "kerajaan" are left out: each is
 * ordinary in both sides).  An entry ending in '*' is a stem: it marks
 * every word that begins with it (inflected forms); the longest match
 * wins, and an exact entry beats a stem.
 *
 * The rule (lid_markers_apply): each marker word in the text multiplies
 * the odds of the languages it names by 10 against the rest of its group,
 * and no language falls more than 10^3 behind the group's best; a
 * factor of 10 a word and the bound were fixed before any evaluation, as
 * a round figure for "much more likely in one standard" that a few
 * marker words cannot turn into certainty.
 */
#include <string.h>

#include "lid_markers.h"
#include "text.h"

#define HR	(1u << LID_MK_HR)
#define BS	(1u << LID_MK_BS)
#define SR	(1u << LID_MK_SR)
#define ID	(1u << LID_MK_ID)
#define MS	(1u << LID_MK_MS)
#define IJE	(HR | BS)	/* ijekavian, and shared by hr and bs */
#define BSR	(BS | SR)	/* shared by bs and sr */

#define CAP	3		/* at most 10^CAP behind the group's best */

static const unsigned group_of[LID_MK_N] = {
	HR | BS | SR, HR | BS | SR, HR | BS | SR, ID | MS, ID | MS
};

static const struct {
	const char	*w;
	unsigned	 mask;
} table[] = {
	/*
	 * Yat: ekavian (sr) against ijekavian (hr, bs).  Forms that are
	 * also another word ("svet" holy, "leta" of a flight, "video",
	 * "veće" bigger) are left out.
	 */
	{ "mleko", SR }, { "mleka", SR }, { "mlijek*", IJE },
	{ "reka", SR }, { "reke", SR }, { "reku", SR }, { "rekom", SR },
	{ "rijek*", IJE },
	{ "lepo", SR }, { "lep", SR }, { "lepa", SR }, { "lepi", SR },
	{ "lepe", SR }, { "lepu", SR }, { "lepog", SR }, { "lepša", SR },
	{ "lepše", SR }, { "lepši", SR }, { "lijep*", IJE }, { "ljepš*", IJE },
	{ "vreme", SR }, { "vrijeme", IJE },
	{ "dete", SR }, { "deca", SR }, { "dece", SR }, { "deci", SR },
	{ "decu", SR }, { "decom", SR }, { "detinj*", SR }, { "dečj*", SR },
	{ "dijete", IJE }, { "djeca", IJE }, { "djece", IJE },
	{ "djeci", IJE }, { "djecu", IJE }, { "djecom", IJE },
	{ "djetinj*", IJE }, { "dječj*", IJE },
	{ "devojk*", SR }, { "devojč*", SR }, { "djevojk*", IJE },
	{ "djevojč*", IJE },
	{ "mesto", SR }, { "mesta", SR }, { "mestu", SR },
	{ "mestima", SR }, { "mjest*", IJE },
	{ "mesec*", SR }, { "meseč*", SR }, { "mjesec*", IJE },
	{ "mjeseč*", IJE },
	{ "svetsk*", SR }, { "svjetsk*", IJE }, { "svetl*", SR },
	{ "svjetl*", IJE }, { "svijet", IJE }, { "svijeta", IJE },
	{ "svijetu", IJE },
	{ "cvet*", SR }, { "cveć*", SR }, { "cvijet*", IJE },
	{ "cvjet*", IJE }, { "cvijeć*", IJE },
	{ "reč", SR }, { "reči", SR }, { "rečju", SR }, { "rečima", SR },
	{ "rečnik*", SR }, { "riječ", IJE }, { "riječi", IJE },
	{ "riječju", IJE }, { "riječima", IJE }, { "rječnik*", IJE },
	{ "vek", SR }, { "veka", SR }, { "veku", SR }, { "vekova", SR },
	{ "vijek", IJE }, { "vijeka", IJE }, { "vijeku", IJE },
	{ "vjekova", IJE },
	{ "beli", SR }, { "bela", SR }, { "belo", SR }, { "bele", SR },
	{ "belog", SR }, { "bijel*", IJE },
	{ "pesm*", SR }, { "pesnik*", SR }, { "pjesm*", IJE },
	{ "pjesnik*", IJE }, { "pevač*", SR }, { "pevanj*", SR },
	{ "pevati", SR }, { "pjev*", IJE },
	{ "sever*", SR }, { "sjever*", IJE },
	{ "leto", SR }, { "letnj*", SR }, { "ljeto", IJE }, { "ljeta", IJE },
	{ "ljetu", IJE }, { "ljetn*", IJE }, { "ljetos", IJE },
	{ "levo", SR }, { "lijev*", IJE },
	{ "pre", SR }, { "prije", IJE },
	{ "posle", SR }, { "posleratn*", SR }, { "poslije", IJE },
	{ "poslijeratn*", IJE },
	{ "gde", SR }, { "ovde", SR }, { "onde", SR }, { "negde", SR },
	{ "nigde", SR }, { "svugde", SR }, { "gdje", IJE }, { "ovdje", IJE },
	{ "ondje", IJE }, { "negdje", IJE }, { "nigdje", IJE },
	{ "svugdje", IJE },
	{ "uvek", SR }, { "uvijek", IJE },
	{ "telo", SR }, { "tela", SR }, { "telu", SR }, { "telom", SR },
	{ "telesn*", SR }, { "tijel*", IJE }, { "tjelesn*", IJE },
	{ "lek", SR }, { "leka", SR }, { "lekovi", SR }, { "lekova", SR },
	{ "lijek", IJE }, { "lijeka", IJE }, { "lijekovi", IJE },
	{ "lijekova", IJE }, { "liječ*", IJE },
	{ "cena", SR }, { "cene", SR }, { "cenu", SR }, { "cenom", SR },
	{ "cenama", SR }, { "cijen*", IJE },
	{ "ceo", SR }, { "cela", SR }, { "celo", SR }, { "celi", SR },
	{ "celu", SR }, { "celog", SR }, { "celoj", SR }, { "celom", SR },
	{ "celin*", SR }, { "celokupn*", SR }, { "cijel*", IJE },
	{ "cjelin*", IJE }, { "cjelokupn*", IJE },
	{ "deo", SR }, { "delovi", SR }, { "delova", SR }, { "dio", IJE },
	{ "dijelovi", IJE }, { "dijelova", IJE },
	{ "hteo", SR }, { "htela", SR }, { "hteli", SR }, { "htelo", SR },
	{ "hteti", SR }, { "htio", IJE }, { "htjela", IJE },
	{ "htjeli", IJE }, { "htjelo", IJE }, { "htjeti", IJE },
	{ "videti", SR }, { "videli", SR }, { "videla", SR },
	{ "videlo", SR }, { "vidjeti", IJE }, { "vidio", IJE },
	{ "vidjeli", IJE }, { "vidjela", IJE }, { "vidjelo", IJE },
	{ "živeti", SR }, { "živeo", SR }, { "živela", SR }, { "živeli", SR },
	{ "živjeti", IJE }, { "živio", IJE }, { "živjela", IJE },
	{ "živjeli", IJE },
	{ "želeti", SR }, { "želeo", SR }, { "želela", SR }, { "želeli", SR },
	{ "željeti", IJE }, { "želio", IJE }, { "željela", IJE },
	{ "željeli", IJE },
	{ "voleti", SR }, { "voleo", SR }, { "volela", SR }, { "voleli", SR },
	{ "voljeti", IJE }, { "volio", IJE }, { "voljela", IJE },
	{ "voljeli", IJE },
	{ "razumeti", SR }, { "razumeo", SR }, { "razumela", SR },
	{ "razumjeti", IJE }, { "razumio", IJE }, { "razumjela", IJE },
	{ "oseć*", SR }, { "osjeć*", IJE }, { "seća*", SR }, { "sjeća*", IJE },
	{ "primer*", SR }, { "primjer*", IJE },
	{ "promen*", SR }, { "promjen*", IJE }, { "promijen*", IJE },
	{ "mera", SR }, { "mere", SR }, { "meru", SR }, { "merama", SR },
	{ "mjer*", IJE },
	{ "vest", SR }, { "vesti", SR }, { "vestima", SR }, { "vijest*", IJE },
	{ "savet*", SR }, { "savjet*", IJE },
	{ "predsedn*", SR }, { "predsjedn*", IJE },
	{ "sednic*", SR }, { "sjednic*", IJE }, { "vijeć*", IJE },
	{ "čovek*", SR }, { "čovjek*", IJE },
	{ "nedelj*", SR }, { "nedjelj*", IJE }, { "ponedelj*", SR },
	{ "ponedjelj*", IJE },
	{ "proleć*", SR }, { "proljeć*", IJE },
	{ "sneg*", SR }, { "snež*", SR }, { "snijeg*", IJE }, { "snjež*", IJE },
	{ "zvezd*", SR }, { "zvijezd*", IJE }, { "zvjezd*", IJE },
	{ "belešk*", SR }, { "bilješk*", IJE },
	{ "sledeć*", SR }, { "sledi", SR }, { "sljedeć*", IJE },
	{ "slijedi", IJE },
	{ "umesto", SR }, { "umjesto", IJE },
	{ "smer", SR }, { "smera", SR }, { "smeru", SR }, { "smjer*", IJE },
	{ "meša*", SR }, { "miješa*", IJE }, { "mješavin*", IJE },
	{ "uspeh*", SR }, { "uspešn*", SR }, { "uspeo", SR }, { "uspela", SR },
	{ "uspeli", SR }, { "uspjeh*", IJE }, { "uspješn*", IJE },
	{ "uspio", IJE }, { "uspjela", IJE }, { "uspjeli", IJE },
	{ "stoleć*", SR }, { "stoljeć*", IJE },
	{ "nemačk*", SR }, { "njemačk*", IJE },
	{ "izveštaj*", SR }, { "izvještaj*", IJE }, { "izvješć*", HR },
	{ "obaveštenj*", SR }, { "obavještenj*", BS }, { "obavijest*", IJE },
	{ "bezbedn*", SR }, { "bezbjedn*", BS },
	/* Three-way: hr vjerojatno, bs vjerovatno, sr verovatno. */
	{ "vjerojatn*", HR }, { "vjerovatn*", BS }, { "verovatn*", SR },
	{ "liječnik*", HR }, { "ljekar*", BS }, { "lekar*", SR },
	{ "ljekarn*", HR }, { "apotek*", BSR },
	{ "hljeb*", BS }, { "hleb*", SR }, { "kruh*", HR },
	{ "povijes*", HR }, { "histori*", BS }, { "istori*", SR },
	{ "priopć*", HR }, { "saopć*", BS }, { "saopšt*", SR },
	/* Croatian against Bosnian and Serbian. */
	{ "tko", HR }, { "netko", HR }, { "nitko", HR }, { "svatko", HR },
	{ "itko", HR }, { "ko", BSR }, { "niko", BSR }, { "iko", BSR },
	{ "šta", BSR },
	{ "tisuć*", HR }, { "hiljad*", BSR },
	{ "tjed*", HR }, { "sedmic*", BSR },
	{ "obitelj*", HR }, { "porodic*", BSR },
	{ "glazb*", HR }, { "muzik*", BSR },
	{ "točk*", HR }, { "točn*", HR }, { "tačk*", BSR }, { "tačn*", BSR },
	{ "sveučiliš*", HR }, { "univerzitet*", BSR },
	{ "zrakoplov*", HR }, { "zrak", IJE }, { "zraka", IJE },
	{ "zraku", IJE }, { "zrakom", IJE }, { "zračn*", IJE },
	{ "vazduh*", BSR },
	{ "kazališ*", HR }, { "pozoriš*", BSR },
	{ "siječanj", HR }, { "siječnja", HR }, { "siječnju", HR },
	{ "veljača", HR }, { "veljače", HR }, { "veljači", HR },
	{ "ožujak", HR }, { "ožujka", HR }, { "ožujku", HR },
	{ "travanj", HR }, { "travnja", HR }, { "travnju", HR },
	{ "svibanj", HR }, { "svibnja", HR }, { "svibnju", HR },
	{ "lipanj", HR }, { "lipnja", HR }, { "lipnju", HR },
	{ "srpanj", HR }, { "srpnja", HR }, { "srpnju", HR },
	{ "kolovoz", HR }, { "kolovoza", HR }, { "kolovozu", HR },
	{ "rujan", HR }, { "rujna", HR }, { "rujnu", HR },
	{ "listopad", HR }, { "listopada", HR }, { "listopadu", HR },
	{ "studeni", HR }, { "studenoga", HR }, { "studenog", HR },
	{ "prosinac", HR }, { "prosinca", HR }, { "prosincu", HR },
	{ "januar", BSR }, { "januara", BSR }, { "januaru", BSR },
	{ "februar", BSR }, { "februara", BSR }, { "februaru", BSR },
	{ "mart", BSR }, { "marta", BSR }, { "martu", BSR },
	{ "maj", BSR }, { "maja", BSR }, { "maju", BSR },
	{ "jun", BSR | MS }, { "juna", BSR }, { "junu", BSR },
	{ "juni", BSR | ID },
	{ "jul", BSR }, { "jula", BSR }, { "julu", BSR },
	{ "juli", BSR | ID },
	{ "august", BS }, { "augusta", BS }, { "augustu", BS },
	{ "avgust", SR }, { "avgusta", SR }, { "avgustu", SR },
	{ "septembar", BSR }, { "septembra", BSR }, { "septembru", BSR },
	{ "oktobar", BSR }, { "oktobra", BSR }, { "oktobru", BSR },
	{ "novembar", BSR }, { "novembra", BSR }, { "novembru", BSR },
	{ "decembar", BSR }, { "decembra", BSR }, { "decembru", BSR },
	{ "organizir*", IJE }, { "organizov*", BSR },
	{ "financij*", HR }, { "financir*", HR }, { "finansij*", BSR },
	{ "finansir*", BSR },
	{ "kemij*", HR }, { "kemičar*", HR }, { "hemij*", BSR },
	{ "hemičar*", BSR },
	{ "demokracij*", HR }, { "demokratij*", BSR },
	{ "diplomacij*", HR }, { "diplomatij*", BSR },
	{ "birokracij*", HR }, { "birokratij*", BSR },
	{ "opć*", IJE }, { "uopće", IJE }, { "opšt*", SR }, { "uopšte", SR },
	{ "uvjet*", IJE }, { "uslov*", BSR },
	{ "sudjelov*", HR }, { "učestvov*", BSR },
	{ "štamp*", BSR }, { "tisak", HR }, { "tiskan*", HR },
	{ "tiskar*", HR },
	{ "kava", HR }, { "kave", HR }, { "kavu", HR }, { "kavom", HR },
	{ "kahv*", BS }, { "kafa", BSR }, { "kafu", BSR }, { "kafom", BSR },
	{ "lahk*", BS }, { "mehk*", BS }, { "hudovic*", BS }, { "sahat*", BS },
	{ "jučer", IJE }, { "juče", BSR },
	{ "vlak", HR }, { "vlaka", HR }, { "vlaku", HR }, { "vlakom", HR },
	{ "vlakovi", HR }, { "voz", BSR }, { "voza", BSR }, { "vozu", BSR },
	{ "vozom", BSR }, { "vozovi", BSR },
	{ "nogomet*", IJE }, { "fudbal*", BSR },
	{ "tvornic*", IJE }, { "fabrik*", BSR },
	{ "rajčic*", HR }, { "paradajz*", BSR },
	{ "krumpir*", HR }, { "krompir*", BSR },
	{ "gospodarstv*", HR }, { "gospodarsk*", HR }, { "privred*", BSR },
	{ "znanost*", HR }, { "znanstven*", HR }, { "nauka", BSR },
	{ "nauke", BSR }, { "nauku", BSR }, { "naukom", BSR },
	{ "naučn*", BSR },
	{ "također", IJE }, { "takođe", BSR },
	{ "tijek*", HR }, { "tokom", BSR },
	{ "usprkos", HR }, { "uprkos", BSR },
	{ "sretan", IJE }, { "sretna", IJE }, { "sretno", IJE },
	{ "sretni", IJE }, { "sretnu", IJE }, { "srećan", SR },
	{ "srećna", SR }, { "srećno", SR }, { "srećni", SR }, { "srećnu", SR },
	{ "primjerice", HR }, { "doista", HR }, { "sukladno", HR },
	{ "temeljem", HR }, { "posve", HR }, { "rabiti", HR },
	{ "uporab*", HR }, { "čimbenik*", HR },
	{ "europ*", HR }, { "evrop*", BSR },
	{ "švicars*", HR }, { "švajcars*", BSR },
	{ "španjol*", HR }, { "španij*", BSR }, { "špansk*", BSR },
	{ "nizozem*", HR }, { "holandij*", BSR }, { "holandsk*", BSR },
	{ "sprat*", BSR },
	{ "milijun*", HR }, { "milion*", BSR },
	{ "tvrtk*", HR }, { "poduzeć*", HR }, { "preduzeć*", BSR },
	{ "natjeca*", HR }, { "natječ*", HR }, { "takmič*", BSR },
	{ "konkurs*", BSR }, { "plata", BSR },
	{ "tajnik*", HR }, { "sekretar*", BSR },
	{ "zastupni*", HR }, { "poslanik*", BSR },
	{ "glasovanj*", HR }, { "glasanj*", BSR },
	{ "veleposlan*", HR }, { "zapovjed*", HR }, { "komandant*", BSR },
	{ "časnik*", HR }, { "oficir*", BSR }, { "postrojb*", HR },
	{ "knjižnic*", HR }, { "bibliotek*", BSR },
	{ "obrana", HR }, { "obrane", HR }, { "obrani", HR }, { "obranu", HR },
	{ "obranom", HR }, { "obramben*", HR }, { "odbran*", BSR },
	{ "odbramben*", BSR },
	{ "proračun*", HR },
	{ "dojam", HR }, { "dojma", HR }, { "dojmu", HR },
	{ "utisak", BSR }, { "utiska", BSR }, { "utisku", BSR },
	{ "utiske", BSR }, { "utisci", BSR }, { "utiscima", BSR },
	{ "osobn*", HR }, { "ličn*", BSR },
	{ "kućanstv*", HR }, { "domaćinstv*", BSR },
	{ "kuha*", IJE }, { "kuva*", SR },
	{ "žlic*", HR }, { "kašik*", BSR }, { "tanjur*", HR },
	{ "tanjir*", BSR }, { "viljušk*", BSR },
	{ "hlač*", IJE }, { "pantalon*", BSR },
	{ "tipkovnic*", HR }, { "tastatur*", BSR }, { "zaslon*", HR },
	{ "gumb*", HR }, { "dugme*", BSR }, { "dugmad*", BSR },
	{ "računal*", HR }, { "računar*", BSR }, { "izbornik*", HR },
	{ "poveznic*", HR }, { "podešavanj*", SR },
	{ "vanjsk*", IJE }, { "spoljn*", SR }, { "spolja", SR },
	{ "unutarnj*", HR }, { "unutrašnj*", BSR },
	{ "otok", HR }, { "otoka", HR }, { "otoku", HR }, { "otoci", HR },
	{ "otocima", HR }, { "otočn*", HR }, { "ostrv*", BSR },
	{ "zaljev*", HR }, { "zaliv*", BSR },
	{ "županij*", HR },
	{ "odgoj*", IJE }, { "vaspit*", BSR },
	{ "bioskop*", BSR }, { "momčad*", HR },
	{ "tržnic*", HR }, { "pijac*", BSR },
	{ "prodavaonic*", HR }, { "prodavnic*", BSR },
	{ "ravnatelj*", HR }, { "kancelarij*", BSR },
	{ "gledatelj*", HR }, { "slušatelj*", HR }, { "čitatelj*", HR },

	/* More of the same kinds (yat; hr against bs and sr). */
	{ "menja*", SR }, { "mijenja*", IJE }, { "izmen*", SR },
	{ "izmjen*", IJE }, { "zamen*", SR }, { "zamjen*", IJE },
	{ "primen*", SR }, { "primjen*", IJE }, { "namen*", SR },
	{ "namjen*", IJE }, { "ocen*", SR }, { "ocjen*", IJE },
	{ "ocijen*", IJE }, { "pobed*", SR }, { "pobjed*", IJE },
	{ "rešen*", SR }, { "reši*", SR }, { "rešava*", SR },
	{ "riješ*", IJE }, { "rješen*", IJE }, { "rješav*", IJE },
	{ "belež*", SR }, { "obelež*", SR }, { "bilježi*", IJE },
	{ "obilježi*", IJE }, { "obilježj*", IJE },
	{ "delo", SR }, { "dela", SR }, { "delu", SR }, { "delima", SR },
	{ "djelo", IJE }, { "djela", IJE }, { "djelu", IJE },
	{ "djelima", IJE }, { "delovanj*", SR }, { "djelovanj*", IJE },
	{ "delatnost*", SR }, { "djelatnost*", IJE },
	{ "vredn*", SR }, { "vrijedn*", IJE },
	{ "odeć*", SR }, { "odjeć*", IJE },
	{ "posledn*", SR }, { "posljednj*", IJE }, { "posledic*", SR },
	{ "posljedic*", IJE },
	{ "predlog", SR }, { "predloga", SR }, { "predlogu", SR },
	{ "prijedlog*", IJE }, { "prevod", SR }, { "prevoda", SR },
	{ "prevodu", SR }, { "prijevod*", IJE }, { "prevoz", SR },
	{ "prevoza", SR }, { "prevozu", SR }, { "prijevoz*", IJE },
	{ "pretnj*", SR }, { "prijetnj*", IJE },
	{ "podel*", SR }, { "podjel*", IJE },
	{ "vetar", SR }, { "vetra", SR }, { "vetrovi", SR }, { "vjetar", IJE },
	{ "vjetra", IJE }, { "vjetrovi", IJE },
	{ "sedišt*", SR }, { "sjedišt*", IJE },
	{ "izbeglic*", SR }, { "izbjeglic*", IJE },
	{ "poset*", SR }, { "posjet*", IJE }, { "sused*", SR },
	{ "susjed*", IJE }, { "svedo*", SR }, { "svjedo*", IJE },
	{ "povređ*", SR }, { "povrijeđ*", IJE },
	{ "uvo", SR }, { "uho", IJE },
	{ "surad*", HR }, { "sarad*", BSR },
	{ "sustav*", HR }, { "sistem*", BSR },
	{ "ovisi", HR }, { "ovisno", HR }, { "ovisnost*", HR },
	{ "putovnic*", HR }, { "pasoš*", BSR },
	{ "mirovin*", HR }, { "umirovljen*", HR }, { "penzij*", BSR },
	{ "penzioner*", BSR },
	{ "pokus*", HR }, { "spol", HR }, { "spola", HR }, { "spoln*", HR },
	{ "izvanredn*", HR }, { "vanredn*", BSR }, { "stol", HR },
	{ "sudac", HR }, { "suca", HR }, { "sucu", HR }, { "sudij*", BSR },
	{ "skladatelj*", HR }, { "redatelj*", HR }, { "reditelj*", BSR },
	{ "udrug*", HR }, { "oporb*", HR }, { "povjerenstv*", HR },
	{ "uhić*", HR }, { "uhapš*", BSR }, { "hapš*", BSR },
	{ "odvjetni*", HR }, { "advokat*", BSR },
	{ "tužitelj*", HR }, { "tužilac", BSR }, { "tužioca", BSR },
	{ "tužilaštv*", BSR },
	{ "ubojstv*", HR }, { "ubojic*", HR }, { "ubistv*", BSR },
	{ "ubic*", BSR }, { "ozljed*", HR }, { "ozlijeđ*", HR },

	/* Indonesian against Malay. */
	{ "karena", ID }, { "kerana", MS },
	{ "uang", ID }, { "wang", MS },
	{ "bahwa", ID }, { "bahawa", MS },
	{ "bisa", ID }, { "sahaja", MS }, { "mau", ID }, { "mahu", MS },
	{ "baharu", MS }, { "gratis", ID }, { "mobil", ID },
	{ "kamar", ID }, { "bilik", MS },
	{ "kualitas", ID }, { "kualiti", MS },
	{ "universitas", ID }, { "universiti", MS },
	{ "aktivitas", ID }, { "aktiviti", MS },
	{ "komunitas", ID }, { "komuniti", MS },
	{ "identitas", ID }, { "identiti", MS },
	{ "kapasitas", ID }, { "kapasiti", MS },
	{ "realitas", ID }, { "realiti", MS },
	{ "minoritas", ID }, { "minoriti", MS },
	{ "mayoritas", ID }, { "majoriti", MS },
	{ "otoritas", ID }, { "autoriti", MS },
	{ "popularitas", ID }, { "populariti", MS },
	{ "kreativitas", ID }, { "kreativiti", MS },
	{ "produktivitas", ID }, { "produktiviti", MS },
	{ "integritas", ID }, { "integriti", MS },
	{ "entitas", ID }, { "entiti", MS },
	{ "komoditas", ID }, { "komoditi", MS },
	{ "intensitas", ID }, { "intensiti", MS },
	{ "mentalitas", ID }, { "mentaliti", MS },
	{ "mobilitas", ID }, { "mobiliti", MS },
	{ "fakultas", ID }, { "fakulti", MS },
	{ "prioritas", ID }, { "fasilitas", ID }, { "solidaritas", ID },
	{ "stabilitas", ID }, { "efektivitas", ID },
	{ "polis", MS }, { "kantor", ID },
	{ "sepeda", ID }, { "basikal", MS },
	{ "kemarin", ID }, { "besok", ID },
	{ "inggris", ID }, { "inggeris", MS },
	{ "serikat", ID }, { "syarikat", MS },
	{ "hospital", MS }, { "dokter", ID },
	{ "telepon", ID }, { "telefon", MS },
	{ "televisi", ID }, { "televisyen", MS },
	{ "informasi", ID }, { "maklumat", MS },
	/* juni and juli are with the Bosnian and Serbian months. */
	{ "maret", ID }, { "agustus", ID }, { "desember", ID },
	{ "mac", MS }, { "julai", MS }, { "ogos", MS }, { "disember", MS },
	{ "kursi", ID }, { "kerusi", MS },
	{ "provinsi", ID }, { "kabupaten", ID }, { "kecamatan", ID },
	{ "nggak", ID }, { "enggak", ID }, { "gak", ID }, { "sih", ID },
	{ "dong", ID }, { "deh", ID }, { "lho", ID }, { "kok", ID },
	{ "bikin", ID },
	{ "selepas", MS }, { "tim", ID }, { "kebijakan", ID },
	{ "kakitangan", MS },
	{ "beda", ID }, { "berbeda", ID }, { "perbedaan", ID },
	{ "membedakan", ID }, { "dibedakan", ID },
	{ "beza", MS }, { "berbeza", MS }, { "perbezaan", MS },
	{ "membezakan", MS }, { "dibezakan", MS },
	{ "coba", ID }, { "mencoba", ID }, { "dicoba", ID },
	{ "percobaan", ID }, { "cobalah", ID },
	{ "cuba", MS }, { "mencuba", MS }, { "dicuba", MS },
	{ "percubaan", MS }, { "cubalah", MS },
	{ "nomor", ID }, { "nombor", MS },
	{ "bandara", ID },
	{ "yaitu", ID }, { "iaitu", MS },
	{ "manakala", MS },
	{ "rupiah", ID }, { "ringgit", MS },
	{ "jepang", ID }, { "jepun", MS }, { "prancis", ID },
	{ "perancis", MS }, { "spanyol", ID }, { "sepanyol", MS },
	{ "italia", ID }, { "itali", MS }, { "tiongkok", ID },
	{ "olahraga", ID }, { "sukan", MS },
	{ "musik", ID }, { "muzik", MS },
	{ "film", ID }, { "filem", MS },
	{ "proyek", ID }, { "projek", MS },
	{ "berbagai", ID }, { "pelbagai", MS },
	{ "kendaraan", ID }, { "kenderaan", MS },
	{ "perkhidmatan", MS }, { "tandas", MS },
	{ "toko", ID }, { "kedai", MS },
	{ "jadwal", ID }, { "jadual", MS },
	{ "ide", ID }, { "idea", MS },
	{ "kerjaya", MS }, { "manajemen", ID }, { "manajer", ID },
	{ "kolej", MS },
	{ "asuransi", ID }, { "insurans", MS },
	{ "akun", ID }, { "akaun", MS },
	{ "taksi", ID }, { "teksi", MS },
	{ "motosikal", MS },
	{ "persen", ID }, { "peratus", MS },
	{ "miliar", ID }, { "bilion", MS },
	{ "menerusi", MS }, { "sebarang", MS },
	{ "sepatu", ID }, { "kasut", MS }, { "celana", ID }, { "seluar", MS },
	{ "bensin", ID }, { "petrol", MS },
	{ "tentara", ID }, { "tentera", MS },
	{ "situs", ID }, { "perisian", MS }, { "perkakasan", MS },
	{ "tetapan", MS }, { "pengaturan", ID },
	{ "laluan", MS }, { "sandi", ID },
	{ "ralat", MS }, { "galat", ID },
	{ "sahkan", MS }, { "nyah*", MS },
	{ "unduh", ID }, { "mengunduh", ID }, { "diunduh", ID },
	{ "unggah", ID }, { "mengunggah", ID }, { "diunggah", ID },
	{ "antarabangsa", MS }, { "internasional", ID },
	{ "berjaya", MS }, { "bapak", ID },
	/* More of the same kinds (spelling of loans; vocabulary). */
	{ "bagian", ID }, { "sebagian", ID }, { "bahagian", MS },
	{ "sebahagian", MS },
	{ "memulai", ID }, { "dimulai", ID }, { "memulakan", MS },
	{ "dimulakan", MS },
	{ "parlemen", ID }, { "parlimen", MS },
	{ "konstitusi", ID }, { "perlembagaan", MS },
	{ "pengacara", ID }, { "peguam", MS },
	{ "narkoba", ID }, { "dadah", MS }, { "pemilu", ID },
	{ "partai", ID }, { "parti", MS },
	{ "jawatan", MS }, { "jawatankuasa", MS }, { "panitia", ID },
	{ "sekretaris", ID }, { "setiausaha", MS },
	{ "direktur", ID }, { "pengarah", MS }, { "pengerusi", MS },
	{ "insinyur", ID }, { "jurutera", MS }, { "jurulatih", MS },
	{ "juruterbang", MS }, { "jururawat", MS }, { "jurucakap", MS },
	{ "dosen", ID }, { "pensyarah", MS }, { "peperiksaan", MS },
	{ "markah", MS }, { "yuran", MS }, { "biaya", ID }, { "pajak", ID },
	{ "belanjawan", MS }, { "investasi", ID }, { "investor", ID },
	{ "pelaburan", MS }, { "pelabur", MS },
	{ "bisnis", ID }, { "perniagaan", MS }, { "peniaga", MS },
	{ "wisatawan", ID }, { "pariwisata", ID }, { "pelancong", MS },
	{ "pelancongan", MS },
	{ "keretapi", MS }, { "lebuhraya", MS },
	{ "kecelakaan", ID }, { "kemalangan", MS }, { "mangsa", MS },
	{ "obat", ID }, { "pengobatan", ID }, { "ubat", MS },
	{ "ubatan", MS }, { "perubatan", MS },
	{ "sehat", ID }, { "kesehatan", ID }, { "sihat", MS },
	{ "kesihatan", MS },
	{ "infeksi", ID }, { "jangkitan", MS }, { "wabah", ID },
	{ "wabak", MS },
	{ "ponsel", ID }, { "bimbit", MS }, { "surel", ID }, { "emel", MS },
	{ "koran", ID }, { "akhbar", MS }, { "pelakon", MS },
	{ "kejuaraan", ID }, { "kejohanan", MS }, { "medali", ID },
	{ "pingat", MS },
	{ "tingkap", MS }, { "tetingkap", MS }, { "lemari", ID },
	{ "almari", MS }, { "kasur", ID }, { "ranjang", ID }, { "katil", MS },
	{ "tilam", MS }, { "kacamata", ID }, { "tas", ID }, { "beg", MS },
	{ "bus", ID }, { "bis", ID }, { "bas", MS }, { "truk", ID },
	{ "lori", MS }, { "pabrik", ID }, { "penelitian", ID },
	{ "peneliti", ID }, { "lansia", ID },
	{ "istri", ID }, { "isteri", MS }, { "tetangga", ID }, { "jiran", MS },
	{ "kawin", ID }, { "menikah", ID }, { "pernikahan", ID },
	{ "perkawinan", ID }, { "kahwin", MS }, { "berkahwin", MS },
	{ "perkahwinan", MS },
	{ "salat", ID }, { "shalat", ID }, { "solat", MS },
	{ "kristen", ID }, { "kristian", MS },
	{ "komisi", ID }, { "komisen", MS }, { "suruhanjaya", MS },
	{ "stasiun", ID }, { "stesen", MS }, { "pertubuhan", MS },
	{ "fisika", ID }, { "fizik", MS }, { "matematika", ID },
	{ "matematik", MS }, { "listrik", ID }, { "elektrik", MS },
	{ "zona", ID }, { "zon", MS }, { "fisik", ID }, { "fizikal", MS },
	{ "kampanye", ID }, { "kempen", MS }, { "dampak", ID }, { "impak", MS },
	{ "metode", ID }, { "kaedah", MS },
	{ "jawaban", ID }, { "jawapan", MS }, { "soalan", MS },
	{ "bercakap", MS },
	{ "paham", ID }, { "dipahami", ID }, { "pemahaman", ID },
	{ "faham", MS }, { "difahami", MS }, { "kefahaman", MS },
	{ "pikir", ID }, { "berpikir", ID }, { "pikiran", ID },
	{ "dipikirkan", ID }, { "fikir", MS }, { "berfikir", MS },
	{ "fikiran", MS }, { "difikirkan", MS },
	{ "pembaruan", ID }, { "memperbarui", ID }, { "diperbarui", ID },
	{ "pembaharuan", MS }, { "memperbaharui", MS },
	{ "diperbaharui", MS },
	{ "tahniah", MS }, { "oke", ID }, { "okey", MS },
	{ "jelek", ID }, { "hodoh", MS }, { "capek", ID }, { "sore", ID },
	{ "hujung", MS }, { "sentiasa", MS }, { "tiada", MS },
	{ "kapan", ID }, { "adakah", MS }, { "karyawan", ID },
};

#define NENT	(sizeof(table) / sizeof(table[0]))
#define NSLOT	2048		/* a power of two, over twice NENT */
#define MAXLEN	31		/* longest entry, in code points */

struct slot {
	uint64_t	 h;		/* 0: empty */
	uint8_t		 mask, stem;
};

#define NBLOOM	16384		/* bits of the filter in front of slots */

static struct slot	slots[NSLOT];
/*
 * One bit per key, from other bits of its hash than the slot's: most
 * prefixes of most words are no key, and the filter (2 KB, in cache)
 * says so without a probe of the 32 KB table.
 */
static uint64_t		bloom[NBLOOM / 64];
static uint32_t		exactlen, stemlen;	/* bit k: entries of k cps */
static int		built, nbad;

static uint64_t
step(uint64_t h, uint32_t cp)
{
	return (h ^ cp) * HASH_FNV_PRIME;
}

/* The slot of key h (kind stem), or NULL. */
static const struct slot *
probe(uint64_t h, int stem)
{
	uint32_t i;

	h = lid_fin(h) | 1;
	i = (uint32_t)(h >> 40) & (NBLOOM - 1);
	if (!(bloom[i / 64] >> (i % 64) & 1))
		return NULL;
	for (i = (uint32_t)h & (NSLOT - 1); slots[i].h != 0;
	    i = (i + 1) & (NSLOT - 1))
		if (slots[i].h == h && slots[i].stem == stem)
			return &slots[i];
	return NULL;
}

/*
 * Fills the word table from table[] once (the tool is single-threaded).
 * An entry that is not lower case, too long or listed twice is counted
 * in nbad (the unit test requires 0) and left out.
 */
static void
build(void)
{
	const unsigned char *s;
	uint64_t h;
	uint32_t cp, i;
	size_t k, n, len;
	int stem, l;

	for (k = 0; k < NENT; k++) {
		s = (const unsigned char *)table[k].w;
		len = strlen(table[k].w);
		stem = len > 0 && s[len - 1] == '*';
		if (stem)
			len--;
		h = HASH_FNV_INIT;
		for (n = 0; len > 0; n++) {
			l = text_utf8_next(s, len, &cp);
			if (text_fold(cp) != cp || !text_is_word(cp))
				break;
			h = step(h, cp);
			s += l;
			len -= l;
		}
		if (len > 0 || n == 0 || n > MAXLEN || probe(h, stem)) {
			nbad++;
			continue;
		}
		h = lid_fin(h) | 1;
		i = (uint32_t)(h >> 40) & (NBLOOM - 1);
		bloom[i / 64] |= (uint64_t)1 << (i % 64);
		for (i = (uint32_t)h & (NSLOT - 1); slots[i].h != 0;
		    i = (i + 1) & (NSLOT - 1))
			;
		slots[i].h = h;
		slots[i].mask = (uint8_t)table[k].mask;
		slots[i].stem = (uint8_t)stem;
		if (stem)
			stemlen |= 1u << n;
		else
			exactlen |= 1u << n;
	}
	built = 1;
}

void
lid_markers_init(struct lid_markers *mk, const struct lid_model *m)
{
	static const char *const label[LID_MK_N] = {
		"hr", "bs", "sr-Latn", "id", "ms"
	};
	int i;

	if (!built)
		build();
	for (i = 0; i < LID_MK_N; i++)
		mk->lang[i] = m != NULL ? lid_model_find(m, label[i]) : -1;
}

/* The group bits of an entry's mask (every entry is in one group). */
static unsigned
group_bits(unsigned mask)
{
	return mask & (HR | BS | SR) ? HR | BS | SR : ID | MS;
}

unsigned
lid_markers_word(const uint32_t *cp, size_t n)
{
	const struct slot *s;
	uint64_t h = HASH_FNV_INIT;
	unsigned mask = 0;
	size_t k;

	if (!built)
		build();
	/* Within a group a longer match replaces a shorter one. */
	for (k = 1; k <= n && k <= MAXLEN; k++) {
		h = step(h, cp[k - 1]);
		if ((stemlen >> k & 1) && (s = probe(h, 1)) != NULL)
			mask = (mask & ~group_bits(s->mask)) | s->mask;
		if (k == n && (exactlen >> k & 1) && (s = probe(h, 0)) != NULL)
			mask = (mask & ~group_bits(s->mask)) | s->mask;
	}
	return mask;
}

/*
 * Two orthographic rules of the future tense and of questions, for the
 * word w after the word prev (plen 0: none):
 *  - Croatian and Bosnian write the future of an infinitive in -ti
 *    without its i and apart from the auxiliary (radit ću, pisat ćemo);
 *    Serbian writes it in one word (radiću, pisaćemo) (Browne 1993;
 *    the pravopis of each standard);
 *  - "da li" questions are Bosnian and Serbian, Croatian uses "je li".
 * The fused forms are recognised by their endings in -ićemo, -ićete,
 * -ićeš, -aćemo, -aćete, -aćeš (the first person -ću also ends nouns:
 * kuću, mladiću).
 */
#define C_ACUTE	0x107		/* ć */
#define S_CARON	0x161		/* š */

/* 1 when w[0..n) is ću, ćeš, će, ćemo or ćete. */
static int
future_aux(const uint32_t *w, size_t n)
{
	if (n < 2 || n > 4 || w[0] != C_ACUTE)
		return 0;
	if (n == 2)
		return w[1] == 'u' || w[1] == 'e';
	if (w[1] != 'e')
		return 0;
	if (n == 3)
		return w[2] == S_CARON;
	return (w[2] == 'm' && w[3] == 'o') || (w[2] == 't' && w[3] == 'e');
}

static unsigned
bcs_rules(const uint32_t *prev, size_t plen, const uint32_t *w, size_t n)
{
	/* -aćemo -aćete -ićemo -ićete, then -aćeš -ićeš */
	if (n >= 6 && future_aux(w + n - 4, 4) &&
	    (w[n - 5] == 'a' || w[n - 5] == 'i'))
		return SR;
	if (n >= 5 && future_aux(w + n - 3, 3) &&
	    (w[n - 4] == 'a' || w[n - 4] == 'i'))
		return SR;
	if (plen == 0)
		return 0;
	if (n == 2 && w[0] == 'l' && w[1] == 'i' && plen == 2 &&
	    prev[0] == 'd' && prev[1] == 'a')
		return BSR;
	if (plen >= 4 && prev[plen - 1] == 't' && (prev[plen - 2] == 'a' ||
	    prev[plen - 2] == 'i') && future_aux(w, n))
		return IJE;
	return 0;
}

/* The marker index of model language x, or -1. */
static int
which(const struct lid_markers *mk, int x)
{
	int i;

	for (i = 0; i < LID_MK_N; i++)
		if (mk->lang[i] == x && x >= 0)
			return i;
	return -1;
}

void
lid_markers_count(const uint32_t *cp, size_t n, int *cnt)
{
	size_t a, b, pa = 0, plen = 0;
	unsigned m;
	int i;

	for (a = 0; a < n; a = b) {
		while (a < n && cp[a] == ' ')
			a++;
		for (b = a; b < n && cp[b] != ' '; b++)
			;
		if (b == a)
			break;
		m = lid_markers_word(cp + a, b - a);
		if (m == 0)
			m = bcs_rules(cp + pa, plen, cp + a, b - a);
		for (i = 0; i < LID_MK_N; i++)
			cnt[i] += m >> i & 1;
		pa = a;
		plen = b - a;
	}
}

/*
 * The group mask when best and the most probable other language (second,
 * or -1 to look for it in p) are both in one marker group, else 0.
 */
static unsigned
pair_group(const struct lid_markers *mk, uint32_t nlang, int best, int second,
    const double *p)
{
	unsigned g;
	uint32_t j;
	int i;

	if ((i = which(mk, best)) < 0)
		return 0;
	g = group_of[i];
	if (second < 0)
		for (j = 0; j < nlang; j++)
			if ((int)j != best && (second < 0 || p[j] > p[second]))
				second = (int)j;
	if (second < 0 || (i = which(mk, second)) < 0 || !(g >> i & 1))
		return 0;
	return g;
}

int
lid_markers_reweight(const struct lid_markers *mk, uint32_t nlang,
    const int *cnt, int best, int second, double *p)
{
	static const double down[CAP + 1] = { 1, 1e-1, 1e-2, 1e-3 };
	int i, x, kmax = 0, diff = 0, d;
	unsigned g;
	double mass = 0, sum = 0, w[LID_MK_N];

	if ((g = pair_group(mk, nlang, best, second, p)) == 0)
		return 0;
	for (i = 0; i < LID_MK_N; i++)
		if ((g >> i & 1) && mk->lang[i] >= 0 && cnt[i] > kmax)
			kmax = cnt[i];
	for (i = 0; i < LID_MK_N; i++) {
		w[i] = 0;
		if (!(g >> i & 1) || (x = mk->lang[i]) < 0)
			continue;
		d = kmax - cnt[i] < CAP ? kmax - cnt[i] : CAP;
		diff |= d;
		mass += p[x];
		w[i] = p[x] * down[d];
		sum += w[i];
	}
	if (!diff || !(sum > 0))
		return 0;
	for (i = 0; i < LID_MK_N; i++)
		if ((g >> i & 1) && (x = mk->lang[i]) >= 0)
			p[x] = mass * w[i] / sum;
	return 1;
}

int
lid_markers_apply(const struct lid_markers *mk, uint32_t nlang,
    const uint32_t *cp, size_t n, int best, int second, double *p)
{
	int cnt[LID_MK_N];

	if (pair_group(mk, nlang, best, second, p) == 0)
		return 0;
	memset(cnt, 0, sizeof(cnt));
	lid_markers_count(cp, n, cnt);
	return lid_markers_reweight(mk, nlang, cnt, best, second, p);
}

int
lid_markers_best(const struct lid_markers *mk, int lang, const double *p)
{
	int i, x, best = lang;
	unsigned g;

	if ((i = which(mk, lang)) < 0)
		return lang;
	g = group_of[i];
	for (i = 0; i < LID_MK_N; i++)
		if ((g >> i & 1) && (x = mk->lang[i]) >= 0 && p[x] > p[best])
			best = x;
	return best;
}

int
lid_markers_bad(void)
{
	if (!built)
		build();
	return nbad;
}
