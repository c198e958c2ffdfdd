/**
 * About 200 popular, legitimate sites that a UK school's pupils and staff use: news, education,
 * government, health, big tech (including their real log-in hosts, which phishing imitates),
 * UK services, and names that contain a category word by accident (Essex, Sussex, Middlesex,
 * Scunthorpe, Peacocks, Bettys, proxy voting, a university library proxy). Test data for the
 * classifier's precision: none of them should be classified.
 */
export const POPULAR_LEGITIMATE_SITES: readonly string[] = `
bbc.co.uk bbc.com theguardian.com telegraph.co.uk independent.co.uk thetimes.co.uk dailymail.co.uk mirror.co.uk
news.sky.com itv.com channel4.com reuters.com apnews.com economist.com ft.com newscientist.com nytimes.com
gov.uk www.gov.uk nhs.uk parliament.uk ons.gov.uk ofsted.gov.uk tfl.gov.uk metoffice.gov.uk police.uk
nationalrail.co.uk royalmail.com parcelforce.com dvla.gov.uk tax.service.gov.uk
bt.com virginmedia.com ee.co.uk o2.co.uk vodafone.co.uk sky.com
tesco.com sainsburys.co.uk asda.com argos.co.uk johnlewis.com marksandspencer.com boots.com currys.co.uk
peacocks.co.uk bettys.co.uk sportsdirect.com waterstones.com
nationwide.co.uk hsbc.co.uk barclays.co.uk lloydsbank.com natwest.com santander.co.uk halifax.co.uk monzo.com
moneysavingexpert.com rightmove.co.uk autotrader.co.uk
ucas.com open.ac.uk ox.ac.uk cam.ac.uk ucl.ac.uk imperial.ac.uk ed.ac.uk manchester.ac.uk kcl.ac.uk lse.ac.uk
bristol.ac.uk essex.ac.uk sussex.ac.uk mdx.ac.uk ezproxy.bodleian.ox.ac.uk
aqa.org.uk ocr.org.uk pearson.com qualifications.pearson.com sparxmaths.uk mathsisfun.com khanacademy.org
duolingo.com quizlet.com kahoot.com kahoot.it senecalearning.com mymaths.co.uk twinkl.co.uk purplemash.com
scratch.mit.edu code.org readingeggs.co.uk ttrockstars.com timestables.co.uk thenational.academy
wikipedia.org en.wikipedia.org wikimedia.org britannica.com nationalgeographic.com natgeokids.com
sciencemuseum.org.uk nhm.ac.uk britishmuseum.org tate.org.uk nationaltrust.org.uk english-heritage.org.uk
rspb.org.uk rspca.org.uk canalrivertrust.org.uk wessexwater.co.uk essex.gov.uk westsussex.gov.uk
scunthorpe-united.co.uk middlesbrough.gov.uk
google.com google.co.uk accounts.google.com mail.google.com drive.google.com classroom.google.com
youtube.com facebook.com instagram.com whatsapp.com web.whatsapp.com messenger.com
microsoft.com login.microsoftonline.com outlook.office365.com office.com live.com login.live.com
teams.microsoft.com onedrive.live.com
apple.com icloud.com appleid.apple.com support.apple.com
amazon.co.uk amazon.com aws.amazon.com signin.aws.amazon.com primevideo.com
netflix.com spotify.com paypal.com paypal.me ebay.co.uk linkedin.com twitter.com x.com reddit.com
github.com stackoverflow.com zoom.us slack.com dropbox.com adobe.com canva.com docusign.com
discord.com roblox.com minecraft.net epicgames.com store.steampowered.com steamcommunity.com
playstation.com xbox.com nintendo.co.uk twitch.tv tiktok.com snapchat.com pinterest.com
coinbase.com binance.com openai.com chatgpt.com duckduckgo.com bing.com yahoo.com mozilla.org
cloudflare.com wordpress.org medium.com
premierleague.com skysports.com thefa.com englandrugby.com wimbledon.com olympics.com
bbcgoodfood.com allrecipes.com tripadvisor.co.uk booking.com airbnb.co.uk trainline.com
betterworldbooks.com alphabet.com abc.xyz proxyvote.com
childline.org.uk nspcc.org.uk samaritans.org mind.org.uk youngminds.org.uk kooth.com brook.org.uk
talktofrank.com childnet.com thinkuknow.co.uk saferinternet.org.uk iwf.org.uk
sexualhealth.nhs.uk fpa.org.uk
cbeebies.com cbbc.co.uk
`
  .split(/\s+/)
  .filter((h) => h.length > 0);
