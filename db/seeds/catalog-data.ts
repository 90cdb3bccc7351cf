/** Static material for the demo seed: categories, instructors, the 60 hand-picked courses, text pools. */

export interface CategoryDef { name: string; slug: string; description: string }
export interface InstructorDef { first: string; last: string; email: string; bio: string; country: string; timezone: string }
export type Level = 'Beginner' | 'Intermediate' | 'Advanced' | 'All Levels';
export interface CourseDef {
  title: string;
  category: string;
  topic: string;
  level: Level;
  instructor: number;
  short?: string;
  price?: number; // cents; 0 = free
  original?: number | null;
  language?: string;
  draft?: boolean;
}

export const CATEGORIES: CategoryDef[] = [
  { name: 'Development', slug: 'development', description: 'Web, mobile and backend programming, languages and frameworks.' },
  { name: 'Data Science', slug: 'data-science', description: 'Data analysis, statistics, machine learning and AI.' },
  { name: 'IT & Software', slug: 'it-software', description: 'Cloud, DevOps, operating systems, networking and security.' },
  { name: 'Design', slug: 'design', description: 'UI/UX, graphic design, design tools and design systems.' },
  { name: 'Business', slug: 'business', description: 'Management, strategy, product and project management.' },
  { name: 'Finance & Accounting', slug: 'finance-accounting', description: 'Accounting, financial modeling and personal finance.' },
  { name: 'Marketing', slug: 'marketing', description: 'Digital marketing, SEO, social media and copywriting.' },
  { name: 'Personal Development', slug: 'personal-development', description: 'Productivity, leadership, communication and learning skills.' },
  { name: 'Photography', slug: 'photography', description: 'Camera skills, lighting and photo editing.' },
  { name: 'Music', slug: 'music', description: 'Instruments, music theory and production.' },
  { name: 'Health & Fitness', slug: 'health-fitness', description: 'Yoga, fitness, nutrition and wellbeing.' },
];

// The last one is the demo instructor login (instructor@learnflow.dev).
export const INSTRUCTORS: InstructorDef[] = [
  { first: 'Sarah', last: 'Chen', email: 'sarah.chen@learnflow.dev', country: 'United States', timezone: 'America/New_York',
    bio: 'Full-stack engineer and teacher with 10+ years of experience helping beginners become professional web developers.' },
  { first: 'Marcus', last: 'Webb', email: 'marcus.webb@learnflow.dev', country: 'United Kingdom', timezone: 'Europe/London',
    bio: 'JavaScript engineer, open-source maintainer and conference speaker. Loves explaining how things work under the hood.' },
  { first: 'Priya', last: 'Raman', email: 'priya.raman@learnflow.dev', country: 'India', timezone: 'Asia/Kolkata',
    bio: 'Data scientist with a PhD in statistics; has built ML systems for retail and healthcare.' },
  { first: 'Daniel', last: 'Okafor', email: 'daniel.okafor@learnflow.dev', country: 'Nigeria', timezone: 'Africa/Lagos',
    bio: 'Cloud architect and SRE. Certified on AWS, Kubernetes and Linux; runs production systems for a living.' },
  { first: 'Elena', last: 'Petrova', email: 'elena.petrova@learnflow.dev', country: 'Germany', timezone: 'Europe/Berlin',
    bio: 'Product designer who has led design systems at two unicorns. Teaches design with real client briefs.' },
  { first: 'James', last: 'Whitfield', email: 'james.whitfield@learnflow.dev', country: 'Canada', timezone: 'America/Toronto',
    bio: 'Former management consultant and CFO; MBA. Teaches business, finance and leadership in plain language.' },
  { first: 'Aiko', last: 'Tanaka', email: 'aiko.tanaka@learnflow.dev', country: 'Japan', timezone: 'Asia/Tokyo',
    bio: 'Award-winning photographer and certified yoga teacher who believes everyone can learn a craft.' },
  { first: 'Lucas', last: 'Moreau', email: 'lucas.moreau@learnflow.dev', country: 'France', timezone: 'Europe/Paris',
    bio: 'Composer, producer and multi-instrumentalist. Has taught music for 15 years in Paris and online.' },
  { first: 'Olivia', last: 'Hartman', email: 'olivia.hartman@learnflow.dev', country: 'Australia', timezone: 'Australia/Sydney',
    bio: 'Growth marketer and coach; helped 200+ startups find their first customers.' },
  { first: 'Alex', last: 'Morgan', email: 'instructor@learnflow.dev', country: 'United States', timezone: 'America/Chicago',
    bio: 'Backend developer and DevOps practitioner. Builds APIs by day and teaches them by night.' },
];

const D = 'Development', DS = 'Data Science', IT = 'IT & Software', DES = 'Design', BUS = 'Business', FIN = 'Finance & Accounting',
  MKT = 'Marketing', PD = 'Personal Development', PH = 'Photography', MU = 'Music', HF = 'Health & Fitness';

export const DEMO_COURSES: CourseDef[] = [
  { title: 'Complete Web Development Bootcamp 2026', category: D, topic: 'Web Development', level: 'Beginner', instructor: 0,
    short: 'From Zero to Full-Stack Developer - HTML, CSS, JavaScript, React, Node.js, and More', price: 8999, original: 12999 },
  { title: 'JavaScript: The Advanced Concepts', category: D, topic: 'JavaScript', level: 'Advanced', instructor: 1,
    short: 'Closures, prototypes, the event loop, async patterns and functional programming in modern JavaScript' },
  { title: 'Modern JavaScript From The Beginning', category: D, topic: 'JavaScript', level: 'Beginner', instructor: 1 },
  { title: 'JavaScript Algorithms and Data Structures Masterclass', category: D, topic: 'JavaScript', level: 'Intermediate', instructor: 1 },
  { title: 'React & Next.js - The Complete Guide', category: D, topic: 'React', level: 'Intermediate', instructor: 0,
    short: 'Learn React and Next.js from scratch and build production-ready applications', price: 8999, original: 12999 },
  { title: 'Node.js, Express & PostgreSQL: Build REST APIs with JavaScript', category: D, topic: 'Node.js', level: 'Intermediate', instructor: 9 },
  { title: 'TypeScript for JavaScript Developers', category: D, topic: 'TypeScript', level: 'Intermediate', instructor: 1 },
  { title: 'Python Programming Masterclass', category: D, topic: 'Python', level: 'All Levels', instructor: 2,
    short: 'Learn Python 3 the right way: from your first script to real applications, testing and packaging' },
  { title: 'Advanced React Patterns', category: D, topic: 'React', level: 'Advanced', instructor: 0, price: 9999, original: null },
  { title: 'Vue.js 3 Fundamentals', category: D, topic: 'Vue.js', level: 'Beginner', instructor: 9 },
  { title: "Go: The Complete Developer's Guide", category: D, topic: 'Go', level: 'Intermediate', instructor: 3 },
  { title: 'Rust Programming for Beginners', category: D, topic: 'Rust', level: 'Beginner', instructor: 3 },
  { title: 'Flutter & Dart: Build iOS and Android Apps', category: D, topic: 'Flutter', level: 'Beginner', instructor: 9 },
  { title: 'HTML & CSS: Responsive Web Design from Scratch', category: D, topic: 'CSS', level: 'Beginner', instructor: 0, price: 0 },
  { title: 'Testing JavaScript Applications with Jest and Playwright', category: D, topic: 'Testing', level: 'Intermediate', instructor: 1 },
  { title: 'GraphQL APIs with Apollo Server', category: D, topic: 'GraphQL', level: 'Advanced', instructor: 9, draft: true },
  { title: 'Data Science and Machine Learning with Python', category: DS, topic: 'Machine Learning', level: 'Intermediate', instructor: 2 },
  { title: 'SQL for Data Analysis: From Basics to Window Functions', category: DS, topic: 'SQL', level: 'Beginner', instructor: 2 },
  { title: 'Deep Learning A-Z: Neural Networks in Practice', category: DS, topic: 'Deep Learning', level: 'Advanced', instructor: 2 },
  { title: 'Statistics for Data Science and Business Analytics', category: DS, topic: 'Statistics', level: 'Beginner', instructor: 2 },
  { title: 'Pandas and NumPy for Data Analysis', category: DS, topic: 'Pandas', level: 'Intermediate', instructor: 2 },
  { title: 'Introduction to Large Language Models', category: DS, topic: 'LLMs', level: 'All Levels', instructor: 2, price: 0 },
  { title: 'AWS Certified Solutions Architect - Associate 2026', category: IT, topic: 'AWS', level: 'Intermediate', instructor: 3 },
  { title: 'Docker and Kubernetes: The Complete Guide', category: IT, topic: 'Kubernetes', level: 'Intermediate', instructor: 3 },
  { title: 'Linux Command Line Basics', category: IT, topic: 'Linux', level: 'Beginner', instructor: 3, price: 0 },
  { title: 'CompTIA Security+ Certification Prep', category: IT, topic: 'Security', level: 'Beginner', instructor: 3 },
  { title: 'Git and GitHub for Everyone', category: IT, topic: 'Git', level: 'Beginner', instructor: 9, price: 0 },
  { title: 'Terraform: Infrastructure as Code in Practice', category: IT, topic: 'Terraform', level: 'Advanced', instructor: 9, draft: true },
  { title: 'UI/UX Design Fundamentals', category: DES, topic: 'UX Design', level: 'Beginner', instructor: 4, price: 7999, original: 11999 },
  { title: 'Figma Masterclass: From Wireframe to Prototype', category: DES, topic: 'Figma', level: 'Intermediate', instructor: 4 },
  { title: 'Graphic Design Essentials: Typography, Color and Layout', category: DES, topic: 'Graphic Design', level: 'Beginner', instructor: 4 },
  { title: 'Design Systems for Product Teams', category: DES, topic: 'Design Systems', level: 'Advanced', instructor: 4 },
  { title: 'Adobe Illustrator for Beginners', category: DES, topic: 'Illustrator', level: 'Beginner', instructor: 4 },
  { title: 'Logo Design Bootcamp', category: DES, topic: 'Logo Design', level: 'All Levels', instructor: 4 },
  { title: 'The Complete Product Management Course', category: BUS, topic: 'Product Management', level: 'All Levels', instructor: 5 },
  { title: 'Agile and Scrum Fundamentals', category: BUS, topic: 'Scrum', level: 'Beginner', instructor: 5, price: 0 },
  { title: 'Business Strategy: Frameworks That Work', category: BUS, topic: 'Strategy', level: 'Intermediate', instructor: 5 },
  { title: 'Project Management Professional (PMP) Exam Prep', category: BUS, topic: 'Project Management', level: 'Intermediate', instructor: 5 },
  { title: 'Excel for Business: From Formulas to Dashboards', category: BUS, topic: 'Excel', level: 'Beginner', instructor: 5 },
  { title: 'Financial Modeling and Valuation', category: FIN, topic: 'Financial Modeling', level: 'Advanced', instructor: 5 },
  { title: 'Personal Finance: Budgeting, Saving and Investing', category: FIN, topic: 'Personal Finance', level: 'Beginner', instructor: 5 },
  { title: 'Accounting Fundamentals for Small Business Owners', category: FIN, topic: 'Accounting', level: 'Beginner', instructor: 5 },
  { title: 'Digital Marketing Masterclass 2026', category: MKT, topic: 'Digital Marketing', level: 'All Levels', instructor: 8 },
  { title: 'SEO Fundamentals: Rank Higher on Google', category: MKT, topic: 'SEO', level: 'Beginner', instructor: 8 },
  { title: 'Social Media Marketing Strategy', category: MKT, topic: 'Social Media', level: 'Intermediate', instructor: 8 },
  { title: 'Copywriting That Converts', category: MKT, topic: 'Copywriting', level: 'Intermediate', instructor: 8 },
  { title: 'Google Ads and Analytics for Beginners', category: MKT, topic: 'Google Ads', level: 'Beginner', instructor: 8 },
  { title: 'Public Speaking: Speak with Confidence', category: PD, topic: 'Public Speaking', level: 'All Levels', instructor: 8 },
  { title: 'Productivity and Time Management for Busy People', category: PD, topic: 'Productivity', level: 'Beginner', instructor: 8 },
  { title: 'Leadership Skills for New Managers', category: PD, topic: 'Leadership', level: 'Intermediate', instructor: 5 },
  { title: 'Learn How to Learn: Memory and Focus Techniques', category: PD, topic: 'Learning', level: 'Beginner', instructor: 8, price: 0 },
  { title: 'Photography Masterclass: A Complete Guide', category: PH, topic: 'Photography', level: 'Beginner', instructor: 6 },
  { title: 'Adobe Lightroom Classic: Photo Editing Workflow', category: PH, topic: 'Lightroom', level: 'Intermediate', instructor: 6 },
  { title: 'Smartphone Photography and Video', category: PH, topic: 'Mobile Photography', level: 'Beginner', instructor: 6 },
  { title: 'Fotografía de Retrato: Iluminación Profesional', category: PH, topic: 'Retrato', level: 'Advanced', instructor: 6, language: 'Spanish' },
  { title: 'Piano for Beginners: Play Your First Songs', category: MU, topic: 'Piano', level: 'Beginner', instructor: 7 },
  { title: 'Music Production in Ableton Live', category: MU, topic: 'Music Production', level: 'Intermediate', instructor: 7 },
  { title: 'Guitar Masterclass: From First Chords to Solos', category: MU, topic: 'Guitar', level: 'All Levels', instructor: 7 },
  { title: 'Harmonielehre leicht gemacht', category: MU, topic: 'Harmonielehre', level: 'Beginner', instructor: 7, language: 'German' },
  { title: 'Yoga for Everyone: A 30-Day Program', category: HF, topic: 'Yoga', level: 'Beginner', instructor: 6 },
];

/** Topics per category for generated (scale) courses. */
export const SCALE_TOPICS: Record<string, string[]> = {
  [D]: ['JavaScript', 'TypeScript', 'Python', 'React', 'Node.js', 'Go', 'Rust', 'Java', 'C#', 'Kotlin', 'Swift', 'PHP', 'Django',
    'Spring Boot', 'Angular', 'Svelte', 'Next.js', 'Vue.js', 'Flutter', 'WebAssembly', 'GraphQL', 'C++'],
  [DS]: ['Machine Learning', 'Deep Learning', 'SQL', 'Pandas', 'Statistics', 'Data Visualization', 'Power BI', 'Tableau', 'PyTorch',
    'TensorFlow', 'Natural Language Processing', 'Computer Vision', 'R Programming'],
  [IT]: ['AWS', 'Azure', 'Google Cloud', 'Kubernetes', 'Docker', 'Linux', 'Networking', 'Cybersecurity', 'Terraform', 'Ansible', 'Bash Scripting'],
  [DES]: ['UX Design', 'Figma', 'Photoshop', 'Illustrator', 'Typography', 'Web Design', 'Motion Design', 'Blender', 'Branding'],
  [BUS]: ['Product Management', 'Project Management', 'Excel', 'Scrum', 'Entrepreneurship', 'Negotiation', 'Business Analysis', 'Sales'],
  [FIN]: ['Accounting', 'Financial Modeling', 'Investing', 'Personal Finance', 'Cryptocurrency', 'Bookkeeping', 'Corporate Finance'],
  [MKT]: ['SEO', 'Digital Marketing', 'Social Media Marketing', 'Copywriting', 'Email Marketing', 'Google Ads', 'Content Marketing'],
  [PD]: ['Productivity', 'Public Speaking', 'Leadership', 'Communication', 'Mindfulness', 'Career Development', 'Critical Thinking'],
  [PH]: ['Photography', 'Lightroom', 'Portrait Photography', 'Landscape Photography', 'Video Editing', 'Drone Photography'],
  [MU]: ['Piano', 'Guitar', 'Music Theory', 'Music Production', 'Singing', 'Songwriting', 'Mixing and Mastering'],
  [HF]: ['Yoga', 'Nutrition', 'Strength Training', 'Running', 'Meditation', 'Pilates'],
};

export const SCALE_TITLE_PATTERNS = [
  'The Complete {t} Course', '{t} for Beginners', 'Mastering {t}', '{t}: From Zero to Hero', 'Practical {t} Projects',
  'Advanced {t} Techniques', '{t} in 30 Days', '{t} Essentials', 'Hands-On {t}', '{t} Bootcamp 2026', '{t} Masterclass',
  'Learn {t} by Building Real Projects', '{t} Crash Course', 'The {t} Handbook', '{t} for Professionals',
];

export const SHORT_PATTERNS = [
  'Learn {t} step by step with hands-on projects and real-world examples',
  'Master {t} from the fundamentals to advanced techniques',
  'A practical, project-based introduction to {t}',
  'Everything you need to start using {t} with confidence',
  'Go beyond the basics and use {t} like a professional',
  'Build real skills in {t} with short lessons and exercises',
];

export const DESCRIPTION_OPENERS = [
  '{title} takes you from the first steps to real results with {t}.',
  'In {title} you will learn {t} the way professionals actually use it.',
  'This course is a structured, hands-on path through {t}.',
];
export const DESCRIPTION_MIDDLES = [
  'Every section combines short explanations with exercises, so you practise each idea right after you meet it.',
  'You will work on realistic projects, learn the vocabulary and tools of the field, and build habits that last.',
  'Lessons are short and focused, with downloadable resources and a recap at the end of each section.',
  'We start with the fundamentals and move on to the techniques that separate beginners from confident practitioners.',
];
export const DESCRIPTION_CLOSERS = [
  'By the end you will have a portfolio of work and the confidence to keep learning on your own.',
  'Join thousands of students and start building today.',
  'Lifetime access, a certificate of completion and an instructor who answers questions.',
];

export const OUTCOMES = [
  'Understand the core concepts of {t} and when to use them',
  'Build {n} real-world projects you can add to your portfolio',
  'Apply {t} best practices used by professionals',
  'Avoid the most common {t} mistakes beginners make',
  'Work confidently with the tools of a modern {t} workflow',
  'Solve practical problems step by step with {t}',
  'Prepare for interviews and real jobs that require {t}',
  'Read, debug and improve existing {t} work',
];

export const REQUIREMENTS: Record<string, string[]> = {
  Beginner: ['No prior experience needed - beginner friendly', 'A computer with an internet connection', 'Willingness to learn and practise'],
  Intermediate: ['Basic familiarity with {t}', 'A computer with an internet connection', 'About 3-5 hours a week to practise'],
  Advanced: ['Solid working knowledge of {t}', 'Experience building at least one real project', 'Curiosity about how things work under the hood'],
  'All Levels': ['No prior experience needed', 'A computer with an internet connection', 'Curiosity and a few hours a week'],
};

export const SECTION_MIDDLES = [
  '{t} Fundamentals', 'Core {t} Concepts', 'Working with {t} in Practice', 'Tools and Workflow', 'Intermediate {t} Techniques',
  'Real-World Project: Part 1', 'Real-World Project: Part 2', 'Common Pitfalls and Best Practices', 'Advanced {t}',
  'Performance and Optimization', 'Testing and Troubleshooting',
];

export const LESSON_TITLES = [
  'What Is {t} and Why It Matters', 'Key Terminology', 'Your First {t} Example', '{t} Building Blocks', 'Step-by-Step Walkthrough',
  'Hands-on Exercise', 'Common {t} Mistakes to Avoid', 'Deep Dive: Under the Hood', 'Putting It All Together', 'Quiz and Recap',
  'Mini Project', 'Tips from the Field', 'Debugging and Troubleshooting', 'Best Practices Checklist', 'Case Study',
  'Refactoring for Clarity', 'Going Further',
];

export const REVIEW_TITLES: Record<number, string[]> = {
  5: ['Best course on the topic!', 'Life changing course', 'Exactly what I needed', 'Outstanding instructor', 'Worth every penny',
    'Clear, practical and fun'],
  4: ['Very good course', 'Solid content, a few slow parts', 'Great introduction', 'Learned a lot', 'Good value'],
  3: ['Decent but could be better', 'Good content, dated in places', 'Okay for beginners'],
  2: ['Not what I expected', 'Too shallow for me'],
  1: ['Disappointing', 'Would not recommend'],
};

export const REVIEW_COMMENTS: Record<number, string[]> = {
  5: [
    '{i} explains everything so clearly and the projects are engaging and practical. I went from zero to building my own work with {t} in a few months.',
    'Best investment I have made in my career. The course is comprehensive, up to date, and the support from the instructor is amazing.',
    'Finally a {t} course that does not waste my time. Short lessons, great exercises, and I can apply it at work the next day.',
    'I have tried several courses on {t} and this is the one that made it click. Highly recommended.',
  ],
  4: [
    'Very solid course. A couple of sections felt a bit slow, but the projects make up for it.',
    'Great explanations of {t}. I would have liked a few more exercises, but overall a very good course.',
    'Good pace and well structured. Some videos could be shorter, but I learned a lot.',
  ],
  3: [
    'The basics are covered well, but the later sections on {t} felt rushed.',
    'Useful content, though some parts are a little outdated. Still worth it on sale.',
  ],
  2: ['I expected more depth on {t}. Fine as a first overview, not much more.', 'Audio quality is uneven and the examples are too simple.'],
  1: ['Not for me: the course skipped the parts I needed and the pace was hard to follow.', 'Too basic and too long for what it covers.'],
};

export const FIRST_NAMES = ['Emma', 'Liam', 'Olivia', 'Noah', 'Ava', 'Mateo', 'Sophia', 'Lucas', 'Mia', 'Ethan', 'Isabella', 'James', 'Amelia',
  'Benjamin', 'Harper', 'Elijah', 'Chloe', 'Daniel', 'Aisha', 'Omar', 'Yuki', 'Hiro', 'Ana', 'Diego', 'Fatima', 'Raj', 'Priya', 'Chen',
  'Wei', 'Lena', 'Jonas', 'Sofia', 'Marco', 'Zoe', 'Samuel', 'Grace', 'Ibrahim', 'Nora', 'Leo', 'Maya', 'Ravi', 'Kwame', 'Amara', 'Ines',
  'Tomás', 'Anya', 'Felix', 'Hannah', 'Arjun', 'Layla'];
export const LAST_NAMES = ['Smith', 'Johnson', 'Garcia', 'Martinez', 'Brown', 'Davis', 'Miller', 'Wilson', 'Anderson', 'Taylor', 'Thomas',
  'Moore', 'Jackson', 'Lee', 'Nguyen', 'Kim', 'Patel', 'Singh', 'Khan', 'Ali', 'Silva', 'Santos', 'Rossi', 'Müller', 'Schmidt', 'Dubois',
  'Kowalski', 'Novak', 'Ivanova', 'Sato', 'Suzuki', 'Wang', 'Li', 'Zhang', 'Okafor', 'Mensah', 'Haddad', 'Cohen', 'Larsen', 'Berg'];
export const LOCALES: Array<[string, string]> = [
  ['United States', 'America/New_York'], ['United States', 'America/Los_Angeles'], ['United States', 'America/Chicago'],
  ['United Kingdom', 'Europe/London'], ['Germany', 'Europe/Berlin'], ['France', 'Europe/Paris'], ['Spain', 'Europe/Madrid'],
  ['India', 'Asia/Kolkata'], ['Japan', 'Asia/Tokyo'], ['Brazil', 'America/Sao_Paulo'], ['Canada', 'America/Toronto'],
  ['Australia', 'Australia/Sydney'], ['Nigeria', 'Africa/Lagos'], ['Singapore', 'Asia/Singapore'], ['Mexico', 'America/Mexico_City'],
  ['New Zealand', 'Pacific/Auckland'],
];
