/**
 * General words for segmenting host-name labels (`bestcasinobonus` → best|casino|bonus). They
 * carry no category: their job is to claim the letters around a category word so that
 * `alphabet`, `essex` or `cocktail` are read as themselves and not as bet, sex or cock. Common
 * English first, then words frequent in French, Spanish, German and Italian host names, then
 * large sites and brands that appear inside other names. All lower case, no digits.
 */
const ENGLISH = `
a about above academy access account accounts act action active actor ad add address admin adult advance advice
after again against age agency agent air airport alarm album alert alien all alliance allow alpha alphabet also
amazing amber america american amp analog analogue analysis analyst analytics anchor and angel angle animal animals
anime annual another answer answers ant any apart app apple apps april aqua arcade arch archive area arena arm army
around art arts article artist as ask asset assets assist associate association at atlas attack audio august aura
author auto autos avenue award awards away axis baby back bad badge bag bake baker bakery ball band bank banks bar
base basic basket basketball bath battle bay be beach bear beat beats beauty bed bee beer before begin being bell
belt best beta better between beyond big bike bill bin bio bird birth bit bite black blade blank blast blend block
blocks blog blogs blood bloom blue board boat body bold bolt bond bone book books boost boot border born boss both
bottle bottom box boxing boy boys brain brand brands brave bread break breakfast brick bridge bright bring british
broad brother brown budget build builder building built bull bunny burn bus business busy but butter button buy buzz
by cabin cable cafe cake call calm camera camp campaign campus can canal cancer candy cap capital captain car carbon
card cards care career cargo carpet cars case cash cast castle cat catch cats cause cave center centre century chain
chair challenge champion chance change channel chapter charge charity chart chat cheap check chef chemical chess
chicken chief child children china chip choice church circle city civil claim class classic classroom clean clear
click client climate clinic clock close cloud club coach coast code coffee coin cold college colour color come
comfort comic comics common community company compare computer concept connect control cook cookie cool copy core
corner cost cottage council count counter country county course court cover craft crazy create creative credit
crew cricket crop cross crowd crown cruise crystal culture cup cure custom cut cute cyber cycle dad daily dance
dark data date day days deal deals dear death debate decor deep deer degree delta demo dental design desk detail
develop dev device diamond diary digital dinner direct discount discover display district diva dock doctor dog dogs
doll dollar domain done door dot double down dragon drama draw dream dreams dress drink drive driver drop drum dry
duck dust each eagle early earth east easy eat echo eco edge edit editor education effect egg eight elite else email
empire end energy engine english enjoy enter entry epic equal estate euro europe event events ever every exam
example excel exchange expert explore express extra eye face fact factory fair fairy faith fall family famous fan
fans far farm fashion fast father favourite feed feel festival few field fight file film films final finance find
fine finger fire first fish fit five fix flag flash fleet flight flow flower fly focus folk follow food foot
football for force forest forever form forum forward found four fox frame free fresh friday friend friends from
front fruit full fun fund funny future gala galaxy gallery game gamer games gaming garage garden gas gate gear gem
general genius get giant gift girl give glass global glory go goal gold golden golf good goods grace grade grand
graph grass great green grid group grow growth guard guest guide guitar guru gym hair half hall hand happy harbor
harbour hard harmony hat have haven head health healthy heart heat heaven help her here hero heroes high hill his
history hit hobby hold holiday holidays home homes honey hope horizon horse host hostel hotel hour house how hub
human humor hunt hunter ice icon idea ideas image images in inc index india info inn inside insight insurance
inter internet into invest iron island it item jack jam jazz jet jewel job jobs join journal journey joy judge jump
junior just keep key kid kids kind king kingdom kit kitchen knight know lab labs lady lake land language large
laser last late latest law lead leader leaf league learn learning left legal legend lemon less lesson let letter
level library life light like lime line link links lion list little live living loan local lock logic logo london
long look lord lost lot love low luck lucky lunch luxury machine mad magazine magic mail main major make maker mall
man manager map maple marine mark market master match math maths max may me media medical meet mega member memory
men menu message metal method metro middle mile milk mill mind mini mint miracle mirror mission mix mobile mode
model modern moment money monkey monster month moon more morning mother motion motor mountain mouse move movie
movies much mum museum music my name nation national native natural nature navy near neck need net network new
news next nice night nine no noble node north note nova now number nurse oak ocean office official oil old olive
omega on one online only open option orange order organic origin other our out outdoor over owl own pack page paint
pair palace palm panda panel paper parent park part partner party pass past path patrol pay peace peak pearl pen
people pepper perfect person pet pets phone photo photos physics piano pick picture pictures pie piece pig pilot
pink pixel pizza place plan planet plant plate platform play player plays plaza plus pocket point polar police
policy pool pop portal post power premier premium press price pride prime prince print private pro product
products profile project promo proof proper property public pulse pure purple push quality quest quick quiz race
radio rain rainbow range rank rapid rate raw ray reach read ready real reality record red region rent report
research resort rest result review rich ride right ring rise river road robot rock rocket roll roof room root rose
round route royal rule run rush safe sail sale sales salon salt same sand save say scale scan school schools science
score screen sea search season seat second secret section see seed select self sell send senior sense service
services set seven shade shadow shape share sharp shell shield shift shine ship shirt shoe shoes shop shopping
shops short show shows side sign signal silver simple sing single sister site sites six size skill skin sky sleep
slim small smart smile snow social soft solar solid solution solutions son song sound soul source south space spark
speak special speed spirit sport sports spot spring square staff stage star stars start state station steel step
stock stone stop store stories storm story street strong studio study style success sugar summer sun super supply
support sure surf sweet swift system table tag tail take tale talent talk tank target task taste tax taxi tea teach
teacher team tech ten tennis term test text than thank that the their them then there these they thing things
think third this three tiger time times tiny tip title to today together token tool tools top total touch tour
tower town toy toys track trade traffic train training travel treasure tree trend trip true trust truth try tube
turbo turn tutor twin two ultra uncle under union unit united unity universe up upper urban us use user valley
value van vector venture via video videos view village vision visit vista voice vote wall want war warm watch water
wave way we wealth wear weather web week weekly welcome well west what wheel when where which white who whole why
wide wiki wild will wind window wine wing winter wise with wolf woman women wonder wood word words work works world
worth write writer yard year yellow yes yoga you young your youth zen zero zone
about accent adventure agenda alpine amateur ambient ample anchor angels apex aroma arrow ascent atom aurora avenue
babylon bamboo banner barn beacon bean berry bistro blossom bluebird bonsai boulevard bounty bravo breeze brook
bubble buddy cactus canyon caravan cascade cedar charm cherry citadel clover cobalt comet compass coral cosmos
cotton cradle crescent crest cupcake daisy dawn delight desert dolphin dove drift dune dynasty ember emerald
evergreen falcon fern fiesta firefly flame flint forge fountain freedom frost garnet gecko ginger glacier glow grove
hamlet harvest hawk hazel heritage hive holly horizon hummingbird indigo ivory ivy jade jasmine jungle kiwi lagoon
lantern lavender legacy lily lotus lunar magnolia mango marble meadow melody mercury meridian mist mosaic nectar
nest nimbus oasis onyx opal orbit orchid origin otter paradise peach pebble pegasus phoenix pine pioneer plum
prairie prism quartz radiant raven reef ripple river ruby saffron sage sapphire savanna sequoia serene sierra
solstice sparrow sphere spice spruce summit sunrise sunset swan tango thunder timber topaz trail tulip tundra
twilight valor velvet venus violet vortex willow zenith zephyr
academic activity actually addition adventure already although always amount animal another anyone anything
apply approach approximately april article attention autumn available average balance beautiful because become
bedroom behaviour behind believe belong benefit bicycle biology birthday borough bottom boundary building
calendar cambridge capture careful carry catalogue category celebrate certain certificate chapter character
chemistry choose christmas classical climb clothes clothing collect collection colleges comfort commerce
commercial communication community compact complete component conference consult consumer contact content
contest continue contract cooking corporate correct costume cottage counsel courage creature crossing culture
current curriculum customer daughter december decision default defence delivery dentist department deposit
describe desktop destination developer development dictionary different dinosaur direction director discovery
distance doctor document domestic downtown drawing dream driving early economics economy edition educate effect
efficient electric electronic element elementary elephant embassy emergency employee engineering enterprise
entertainment environment equipment essay estate evening everyone evidence exactly excellent exercise exhibition
experience experiment explore external fabric facility factor factory familiar fantastic fantasy february
feedback fiction figure finance finish firm fitness flavour floor forecast foreign foundation fraction franchise
friendly friday furniture gallery gateway generation geography giraffe glossary government graduate grammar
graphic greeting grocery guidance guitar habitat handbook hardware healthcare helpful highway history holiday
homework hospital household however hundred hunting identity imagine important improve include income
independent industry infant information ingredient innovation insect inspire instant institute instrument
interest interior internal interview invention january journey july june junction kindergarten knowledge
landscape laptop launch leadership leisure liberty licence lifestyle lighting literacy literature location
magazine maintenance management manual manufacture marathon marketing material mathematics meaning measure
mechanic medicine membership message midnight military minister minute mission monday monitor monthly morning
motorcycle mountain movement multiple museum musical mystery narrative natural neighbour network newsletter
nobody normal notebook november nursery nutrition object october office operation opinion orchestra organisation
organization original outside package painting paragraph parking particular passenger passport pattern payment
penguin pension percent performance personal pharmacy philosophy phonics photography physical planning plastic
pleasant plumbing pocket poetry political popular portfolio position possible potato practice prepare present
president pressure primary printer priority problem procedure process produce professional programme program
progress property protect provide province publish purchase puzzle qualification quantity quarter question
railway reading reason receipt recipe recommend recycle reference regional register relation religion remote
repair reply republic request rescue reserve resource response restaurant result retail revision reward
routine saturday schedule scholar scholarship scientist scotland season secondary secretary security select
seminar sentence september session settle shelter shipping signature silence similar situation skating society
software soldier someone something sometimes special spelling sponsor stadium standard statement stationery
statistics storage strategy strawberry strength structure student students studies subject suburb summary
sunday supermarket surface surgery survey sustainable swimming symbol symphony talent technical technology
telephone television temple theatre theory thursday ticket together tomorrow tonight topic tournament tourism
tradition transport treatment triangle tuesday tutorial umbrella uniform university update usually vacation
vegetable vehicle version veteran victory village vintage visitor vocabulary volunteer wales wallet warehouse
website wednesday weekend welfare wellbeing whatever wildlife window winner wireless without wonderful workshop
writing yesterday zoology
`;

/** Words that contain a category word but are not about it (read as themselves). */
const FALSE_FRIENDS = `
abbott abet alphabet babcock betel beth bethany bethel bethlehem betray betty bettina elizabeth gambetta sorbet
tibet hebet alberta alberto robert roberts herbert gilbert albert hubert norbert lambert cuthbert
essex sussex wessex middlesex sextant sexton sextet sexual sexuality sexualite sexuel sexuelle sexology sexologia
sexism unisex bisexual heterosexual homosexual asexual
cocktail cockpit cockerel cockney peacock hancock hitchcock woodcock shuttlecock cockle cockroach
dickens dickinson benedick
analysis analyst analytic analytics analog analogue canal banal anally annals
therapist grape drape
nudel nudge
titanic titan titans titus title titles titled stitch petits petite
pornic
cummins cumberland cumbria cucumber document documents circumstance succumb
assassin assassins assess assessment assist assistant class classic classical classes passage massage bass brass
grass glass mass pass
milford
slotted
pokemon
escorial
bingol
lottie charlotte
kenosha
spinach spine spinal
winston windows window wind winter
proximity approximate proxima
scunthorpe
`;

/** Common words in other European languages frequent in host names. */
const EUROPEAN = `
de la le les des du un une et en au aux pour par sur avec sans dans chez mon ma mes ton ta ses son notre votre
leur petit petite grand grande bon bonne beau belle nouveau nouvelle jeune vieux vie ville maison ecole college
lycee classe enfant enfants jeu jeux maternelle primaire cole eleve eleves prof professeur maitre maitresse cours
lecon lecons fiche fiches livre livres lecture histoire monde france francais francaise paris lyon toulouse
marseille bordeaux nantes lille region academie universite univ biblio bibliotheque centre recherche sciences
science culture musee art arts sante medecin hopital emploi travail info infos actu actualite journal presse
radio tele television cinema musique chanson amour femme femmes homme hommes fille filles garcon garcons famille
bebe mere pere ami amis coin blog site web net portail annuaire guide guides conseil conseils voyage voyages
hotel cuisine recette recettes jardin maison auto moto sport sports foot velo mer montagne soleil nature eau
el los las del por para con sin una uno mi tu su nuestro casa nino ninos escuela colegio juego juegos mundo
amor mujer hombre vida ciudad noticias tienda viaje salud deporte
der die das und mit von fur auf ein eine mein dein schule kinder spiel spiele welt liebe frau mann leben stadt
haus nachrichten reise gesundheit
il lo gli della delle dei con per una scuola bambini gioco giochi mondo amore donna uomo vita citta notizie viaggio
`;

/** Big sites and brands that often appear inside other host names. */
const BRANDS = `
google youtube facebook instagram twitter tiktok snapchat whatsapp linkedin pinterest reddit tumblr wikipedia
amazon ebay netflix spotify apple microsoft windows office outlook hotmail yahoo bing paypal adobe dropbox
github gitlab stackoverflow wordpress blogspot blogger medium quora discord twitch roblox minecraft fortnite
nintendo playstation xbox steam epic disney marvel pixar lego barbie bbc itv channel sky vodafone verizon
samsung sony huawei xiaomi nokia intel nvidia cisco oracle ibm dell lenovo asus acer canon nikon tesla toyota
honda ford bmw audi mercedes volkswagen nike adidas puma zara primark tesco sainsburys asda argos boots
`;

export const GENERAL_WORDS: ReadonlySet<string> = new Set(
  [ENGLISH, FALSE_FRIENDS, EUROPEAN, BRANDS]
    .join(' ')
    .split(/\s+/)
    .filter((w) => w.length >= 2),
);
