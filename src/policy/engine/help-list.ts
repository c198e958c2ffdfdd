import type { HelpEntry } from './rules.ts';

/**
 * Help is never blocked: UK safeguarding-support, health and education services that a child
 * must always be able to reach, even when a list puts them in an inappropriate-content category
 * (a gambling-addiction service talks about gambling, an abuse helpline about abuse, a sexual
 * health service about sex). Only illegal categories (IWF, CTIRU) still win, and an entry covers
 * its subdomains.
 *
 * Sources: each organisation's own site; the UK Safer Internet Centre, NSPCC and DfE "Keeping
 * children safe in education" signposting lists. Keep each reason to one line.
 */
export const HELP_NEVER_BLOCKED: readonly HelpEntry[] = [
  // children's helplines and reporting
  {
    id: 'childline',
    host: 'childline.org.uk',
    label: 'Childline',
    reason: 'Free, confidential helpline and online counselling for children and young people.',
  },
  {
    id: 'nspcc',
    host: 'nspcc.org.uk',
    label: 'NSPCC',
    reason: 'Child protection charity; helpline for adults worried about a child.',
  },
  {
    id: 'ceop',
    host: 'ceop.police.uk',
    label: 'CEOP',
    reason: 'National Crime Agency reporting point for online sexual abuse and grooming.',
  },
  {
    id: 'thinkuknow',
    host: 'thinkuknow.co.uk',
    label: 'Thinkuknow',
    reason: 'CEOP education programme on online sexual abuse for children and parents.',
  },
  {
    id: 'report-harmful-content',
    host: 'reportharmfulcontent.com',
    label: 'Report Harmful Content',
    reason: 'UK service that helps people report harmful online content.',
  },
  {
    id: 'iwf',
    host: 'iwf.org.uk',
    label: 'Internet Watch Foundation',
    reason: 'Where child sexual abuse imagery is reported; runs Report Remove with Childline.',
  },
  {
    id: 'uk-safer-internet-centre',
    host: 'saferinternet.org.uk',
    label: 'UK Safer Internet Centre',
    reason: 'Online safety advice and the Professionals Online Safety Helpline.',
  },
  {
    id: 'childnet',
    host: 'childnet.com',
    label: 'Childnet',
    reason: 'Online safety charity for children, parents and teachers.',
  },
  {
    id: 'stop-it-now',
    host: 'stopitnow.org.uk',
    label: 'Stop It Now',
    reason: 'Confidential helpline to prevent child sexual abuse.',
  },
  {
    id: 'marie-collins-foundation',
    host: 'mariecollinsfoundation.org.uk',
    label: 'Marie Collins Foundation',
    reason: 'Support for children harmed by technology-assisted sexual abuse.',
  },
  {
    id: 'revenge-porn-helpline',
    host: 'revengepornhelpline.org.uk',
    label: 'Revenge Porn Helpline',
    reason: 'Helps remove intimate images shared without consent.',
  },
  {
    id: 'police-uk',
    host: 'police.uk',
    label: 'Police (police.uk)',
    reason: 'Reporting crime and contacting local police forces.',
  },
  {
    id: 'crimestoppers',
    host: 'crimestoppers-uk.org',
    label: 'Crimestoppers / Fearless',
    reason: 'Anonymous crime reporting, including its youth service Fearless.',
  },
  {
    id: 'fearless',
    host: 'fearless.org',
    label: 'Fearless',
    reason: 'Crimestoppers youth service for reporting crime anonymously.',
  },
  {
    id: 'kidscape',
    host: 'kidscape.org.uk',
    label: 'Kidscape',
    reason: 'Anti-bullying charity supporting children and families.',
  },
  {
    id: 'anti-bullying-alliance',
    host: 'anti-bullyingalliance.org.uk',
    label: 'Anti-Bullying Alliance',
    reason: 'Anti-bullying advice for children, parents and schools.',
  },
  {
    id: 'ditch-the-label',
    host: 'ditchthelabel.org',
    label: 'Ditch the Label',
    reason: 'Anti-bullying support for young people.',
  },
  {
    id: 'barnardos',
    host: 'barnardos.org.uk',
    label: "Barnardo's",
    reason: "Children's charity; support for young people at risk.",
  },
  // mental health and crisis support
  {
    id: 'samaritans',
    host: 'samaritans.org',
    label: 'Samaritans',
    reason: 'Round-the-clock emotional support for anyone in distress.',
  },
  {
    id: 'papyrus',
    host: 'papyrus-uk.org',
    label: 'Papyrus',
    reason: 'Prevention of young suicide; HOPELINE247.',
  },
  {
    id: 'shout',
    host: 'giveusashout.org',
    label: 'Shout',
    reason: 'Free 24/7 text support line for anyone struggling to cope.',
  },
  {
    id: 'mind',
    host: 'mind.org.uk',
    label: 'Mind',
    reason: 'Mental health information and support.',
  },
  {
    id: 'youngminds',
    host: 'youngminds.org.uk',
    label: 'YoungMinds',
    reason: 'Mental health charity for children and young people.',
  },
  {
    id: 'kooth',
    host: 'kooth.com',
    label: 'Kooth',
    reason: 'Free online mental wellbeing service for young people, commissioned by the NHS.',
  },
  {
    id: 'the-mix',
    host: 'themix.org.uk',
    label: 'The Mix',
    reason: 'Support service for under-25s on any issue.',
  },
  {
    id: 'calm',
    host: 'thecalmzone.net',
    label: 'CALM',
    reason: 'Campaign Against Living Miserably: suicide prevention helpline and webchat.',
  },
  {
    id: 'harmless',
    host: 'harmless.org.uk',
    label: 'Harmless',
    reason: 'Support for people who self-harm and those at risk of suicide.',
  },
  {
    id: 'self-injury-support',
    host: 'selfinjurysupport.org.uk',
    label: 'Self Injury Support',
    reason: 'Helpline and text support for people who self-harm.',
  },
  {
    id: 'beat',
    host: 'beateatingdisorders.org.uk',
    label: 'Beat',
    reason: 'Eating disorder charity with a youth helpline.',
  },
  {
    id: 'hub-of-hope',
    host: 'hubofhope.co.uk',
    label: 'Hub of Hope',
    reason: 'National directory of mental health support.',
  },
  {
    id: 'winstons-wish',
    host: 'winstonswish.org',
    label: "Winston's Wish",
    reason: 'Support for bereaved children and young people.',
  },
  {
    id: 'cruse',
    host: 'cruse.org.uk',
    label: 'Cruse Bereavement Support',
    reason: 'Bereavement support, including for young people.',
  },
  // identity, relationships, abuse
  {
    id: 'switchboard',
    host: 'switchboard.lgbt',
    label: 'Switchboard LGBT+',
    reason: 'LGBT+ support helpline.',
  },
  {
    id: 'brook',
    host: 'brook.org.uk',
    label: 'Brook',
    reason: 'Sexual health and wellbeing services for young people.',
  },
  {
    id: 'national-domestic-abuse-helpline',
    host: 'nationaldahelpline.org.uk',
    label: 'National Domestic Abuse Helpline',
    reason: 'Refuge-run 24-hour helpline for domestic abuse.',
  },
  {
    id: 'rape-crisis',
    host: 'rapecrisis.org.uk',
    label: 'Rape Crisis',
    reason: 'Support for anyone affected by sexual violence.',
  },
  {
    id: 'napac',
    host: 'napac.org.uk',
    label: 'NAPAC',
    reason: 'Support for adult survivors of childhood abuse.',
  },
  {
    id: 'victim-support',
    host: 'victimsupport.org.uk',
    label: 'Victim Support',
    reason: 'Support for victims and witnesses of crime.',
  },
  // drugs, alcohol, gambling harms
  {
    id: 'frank',
    host: 'talktofrank.com',
    label: 'FRANK',
    reason: 'Honest information and advice about drugs.',
  },
  {
    id: 'we-are-with-you',
    host: 'wearewithyou.org.uk',
    label: 'We Are With You',
    reason: 'Drug, alcohol and mental health support, including for young people.',
  },
  {
    id: 'drinkaware',
    host: 'drinkaware.co.uk',
    label: 'Drinkaware',
    reason: 'Alcohol harm information.',
  },
  {
    id: 'gamcare',
    host: 'gamcare.org.uk',
    label: 'GamCare',
    reason: 'National Gambling Helpline and support for young people affected by gambling.',
  },
  {
    id: 'begambleaware',
    host: 'begambleaware.org',
    label: 'BeGambleAware',
    reason: 'Information and help for gambling harms.',
  },
  // health and government
  {
    id: 'nhs',
    host: 'nhs.uk',
    label: 'NHS',
    reason: 'NHS health information, NHS 111 online and local services.',
  },
  { id: 'gov-uk', host: 'gov.uk', label: 'GOV.UK', reason: 'UK government services and guidance.' },
  // education
  {
    id: 'bbc-bitesize',
    host: 'bbc.co.uk',
    path: '/bitesize',
    label: 'BBC Bitesize',
    reason: 'Free curriculum learning resources.',
  },
  {
    id: 'bbc-own-it',
    host: 'bbc.com',
    path: '/ownit',
    label: 'BBC Own It',
    reason: 'Wellbeing and online safety for children.',
  },
  {
    id: 'oak-national-academy',
    host: 'thenational.academy',
    label: 'Oak National Academy',
    reason: 'Free national curriculum lessons.',
  },
  {
    id: 'parent-zone',
    host: 'parentzone.org.uk',
    label: 'Parent Zone',
    reason: 'Digital family life and online safety advice.',
  },
  {
    id: 'internet-matters',
    host: 'internetmatters.org',
    label: 'Internet Matters',
    reason: 'Online safety advice for parents and carers.',
  },
];
