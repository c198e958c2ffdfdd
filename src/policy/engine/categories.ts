import type { CategoryRule } from './rules.ts';

/**
 * Haven's built-in filtering categories (FIL-3): the UK Safer Internet Centre "appropriate
 * filtering" definitions and the seeds' user actions table, with Haven ids. A school's rules may
 * relabel them and add their own; `child-abuse` and `terrorism` stay illegal whatever the rules say.
 */

/** Categories that are illegal whatever a school's rules say (POL-4): IWF and CTIRU lists. */
export const ALWAYS_ILLEGAL: readonly string[] = ['child-abuse', 'terrorism'];

export interface CategoryInfo extends CategoryRule {
  /** One line for operators: what the category holds. */
  readonly description: string;
}

export const BUILT_IN_CATEGORIES: readonly CategoryInfo[] = [
  {
    id: 'child-abuse',
    label: 'Child sexual abuse content',
    legal: 'illegal',
    description: 'Indecent images of children (IWF list); Protection of Children Act 1978.',
  },
  {
    id: 'terrorism',
    label: 'Terrorist content',
    legal: 'illegal',
    description: 'Unlawful terrorist content (CTIRU list); Terrorism Act 2006.',
  },
  {
    id: 'extreme-pornography',
    label: 'Extreme pornography',
    legal: 'inappropriate',
    description:
      'Obscene or extreme pornographic images; schools usually mark it illegal in the user actions table.',
  },
  {
    id: 'pornography',
    label: 'Pornography',
    legal: 'inappropriate',
    description: 'Sexually explicit content.',
  },
  {
    id: 'mixed-adult',
    label: 'Sites with adult sections',
    legal: 'inappropriate',
    description: 'General sites with unstructured adult sections.',
  },
  {
    id: 'lingerie',
    label: 'Lingerie and swimwear',
    legal: 'inappropriate',
    description: 'Lingerie and suggestive swimwear.',
  },
  {
    id: 'gambling',
    label: 'Gambling',
    legal: 'inappropriate',
    description: 'Casinos, betting, lotteries, poker.',
  },
  {
    id: 'drugs',
    label: 'Drugs',
    legal: 'inappropriate',
    description: 'Promotion or sale of illegal drugs or substance misuse.',
  },
  {
    id: 'hate',
    label: 'Discrimination and hate',
    legal: 'inappropriate',
    description: 'Racist, antisemitic, homophobic or otherwise discriminatory content.',
  },
  {
    id: 'extremism',
    label: 'Extremism',
    legal: 'inappropriate',
    description: 'Extremist ideologies and radicalisation (not on the CTIRU list).',
  },
  {
    id: 'violence',
    label: 'Violence',
    legal: 'inappropriate',
    description: 'Promotion of physical violence or mental harm.',
  },
  {
    id: 'dangerous-material',
    label: 'Weapons and dangerous material',
    legal: 'inappropriate',
    description: 'Making bombs, weapons, dangerous substances.',
  },
  {
    id: 'self-harm',
    label: 'Self-harm and suicide',
    legal: 'inappropriate',
    description: 'Promotion of self-harm, suicide or eating disorders.',
  },
  {
    id: 'malware-hacking',
    label: 'Malware and hacking',
    legal: 'inappropriate',
    description: 'Malware delivery, hacking tools, DDoS services, cryptojacking, stalkerware.',
  },
  {
    id: 'phishing',
    label: 'Phishing',
    legal: 'inappropriate',
    description: 'Sites that impersonate a brand to steal log-ins or money.',
  },
  {
    id: 'piracy',
    label: 'Piracy and copyright theft',
    legal: 'inappropriate',
    description: 'Warez and illegal copies of software, films, music.',
  },
  {
    id: 'circumvention',
    label: 'Proxies, VPNs and filter avoidance',
    legal: 'inappropriate',
    description: 'Web proxies, VPNs, DNS-over-HTTPS endpoints and other ways round the filter.',
  },
  {
    id: 'cheating',
    label: 'Cheating',
    legal: 'inappropriate',
    description: 'Sites explaining how to cheat in exams and homework.',
  },
  {
    id: 'sects',
    label: 'Sects and cults',
    legal: 'inappropriate',
    description: 'Sects and cults.',
  },
  {
    id: 'fake-news',
    label: 'Fake news',
    legal: 'inappropriate',
    description: 'Disinformation sites.',
  },
  { id: 'dating', label: 'Dating', legal: 'inappropriate', description: 'Dating and matchmaking.' },
  { id: 'social-media', label: 'Social media', legal: 'neutral', description: 'Social networks.' },
  {
    id: 'messaging',
    label: 'Chat and messaging',
    legal: 'neutral',
    description: 'Chat rooms and instant messaging.',
  },
  {
    id: 'online-gaming',
    label: 'Online games',
    legal: 'neutral',
    description: 'Non-educational online games.',
  },
  {
    id: 'educational-games',
    label: 'Educational games',
    legal: 'allow-type',
    description: 'Educational games.',
  },
  {
    id: 'shopping',
    label: 'Shopping',
    legal: 'neutral',
    description: 'Online shops and auctions.',
  },
  {
    id: 'file-sharing',
    label: 'File sharing',
    legal: 'neutral',
    description: 'File hosting and sharing services.',
  },
  {
    id: 'video-broadcasting',
    label: 'Video and audio streaming',
    legal: 'neutral',
    description: 'Video and audio sites and live broadcasting.',
  },
  { id: 'webmail', label: 'Webmail', legal: 'neutral', description: 'Web-based e-mail.' },
  { id: 'forums', label: 'Forums', legal: 'neutral', description: 'Discussion forums.' },
  { id: 'blogs', label: 'Blogs', legal: 'neutral', description: 'Blog platforms and blogs.' },
  {
    id: 'manga',
    label: 'Manga and cartoons',
    legal: 'neutral',
    description: 'Manga and cartoon sites.',
  },
  {
    id: 'ai-services',
    label: 'AI services',
    legal: 'neutral',
    description: 'Generative AI chat and image services.',
  },
  {
    id: 'remote-access',
    label: 'Remote access',
    legal: 'neutral',
    description: 'Remote desktop control services.',
  },
  {
    id: 'dynamic-dns',
    label: 'Dynamic DNS',
    legal: 'neutral',
    description: 'Dynamic DNS providers (often used by malware and proxies).',
  },
  {
    id: 'url-shortener',
    label: 'URL shorteners',
    legal: 'neutral',
    description: 'Link shorteners that hide the destination.',
  },
  {
    id: 'advertising',
    label: 'Advertising',
    legal: 'neutral',
    description: 'Advertising and marketing networks.',
  },
  {
    id: 'software-download',
    label: 'Software downloads',
    legal: 'allow-type',
    description: 'Software download sites (UT1 lists them as an allow list).',
  },
  {
    id: 'child-suitable',
    label: 'Sites for children',
    legal: 'allow-type',
    description: 'Sites suitable for children under 10.',
  },
  {
    id: 'sex-education',
    label: 'Sex and relationships education',
    legal: 'allow-type',
    description: 'Sex education that can be mistaken for pornography.',
  },
  {
    id: 'education',
    label: 'Education',
    legal: 'allow-type',
    description: 'Educational resources and libraries.',
  },
  {
    id: 'allow-list',
    label: 'General allow list',
    legal: 'allow-type',
    description: 'Sites a list maintainer marked as always acceptable.',
  },
  {
    id: 'local-block',
    label: 'Blocked by the school',
    legal: 'inappropriate',
    description: 'A site on the school\u2019s local block list.',
  },
];
